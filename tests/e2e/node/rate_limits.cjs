// The Node SDK against a trial session: headers parsed on every answer, retry_after read on a 429.
const { createWasender } = require("wasenderapi");

async function main() {
  const client = createWasender(process.env.API_KEY, undefined, process.env.BASE_URL);
  const first = await client.sendText({ to: "+15551234567", text: "one" });
  const status = await client.getSessionStatus();
  let refused = null;
  try {
    await client.sendText({ to: "+15551234567", text: "two" });
  } catch (error) {
    refused = { statusCode: error.statusCode, retryAfter: error.retryAfter, message: error.apiMessage ?? error.message };
  }
  console.log(JSON.stringify({
    firstRateLimit: { limit: first.rateLimit.limit, remaining: first.rateLimit.remaining, reset: first.rateLimit.resetTimestamp },
    statusRateLimit: status.rateLimit ? status.rateLimit.limit : null,
    refused,
  }));
}

main().catch((error) => { console.error(error); process.exit(1); });
