// The Node SDK against a trial session: headers parsed on every answer, retry_after read on a 429.
// Env: BASE_URL, API_KEY (a connected session of a trial account).
const { refusal, report, sessionClient } = require("./common.cjs");

report(async () => {
  const client = sessionClient(process.env.API_KEY);
  const first = await client.sendText({ to: "+15551234567", text: "one" });
  const status = await client.getSessionStatus();
  const refused = await refusal(client.sendText({ to: "+15551234567", text: "two" }));
  return {
    firstRateLimit: { limit: first.rateLimit.limit, remaining: first.rateLimit.remaining, reset: first.rateLimit.resetTimestamp },
    statusRateLimit: status.rateLimit ? status.rateLimit.limit : null,
    refused,
  };
});
