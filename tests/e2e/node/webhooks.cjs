// The Node SDK's webhook handler on requests the emulator delivered, with its own signature
// check. Env: WEBHOOK_SECRET, REQUESTS_FILE (JSON list of {signature, body}, as they arrived).
const { readFileSync } = require("node:fs");
const { refusal, report, sessionClient } = require("./common.cjs");

// The adapter the SDK asks a web framework for: a header by name and the raw body.
const asRequest = ({ signature, body }) => ({
  getHeader: (name) => (name.toLowerCase() === "x-webhook-signature" ? signature : null),
  getRawBody: () => body,
});

report(async () => {
  const requests = JSON.parse(readFileSync(process.env.REQUESTS_FILE, "utf8"));
  const handler = sessionClient("unused", process.env.WEBHOOK_SECRET);
  const parsed = [];
  for (const request of requests) {
    const event = await handler.handleWebhookEvent(asRequest(request));
    parsed.push({ event: event.event, sessionId: event.sessionId ?? null });
  }
  const forged = await refusal(handler.handleWebhookEvent(asRequest({ ...requests[0], signature: "forged" })));
  return { parsed, forged };
});
