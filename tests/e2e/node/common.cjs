// Shared plumbing of the conformance scripts: recorded SDK clients on the emulator that
// BASE_URL names, its admin API, and the one JSON line the Python test reads.
const { createWasender } = require("wasenderapi");
const { recorded, called } = require("./recording.cjs");

// Unset where a script only parses webhooks: the SDK then keeps its default, never called.
const BASE_URL = process.env.BASE_URL;

// A client with a session's API key (messages, contacts, groups, media, status) and, to check
// webhook signatures, the session's webhook secret.
function sessionClient(apiKey, webhookSecret) {
  return recorded(createWasender(apiKey, undefined, BASE_URL, undefined, undefined, webhookSecret));
}

// A client with the account's personal access token: the /whatsapp-sessions endpoints.
function accountClient(personalAccessToken) {
  return recorded(createWasender(undefined, personalAccessToken, BASE_URL));
}

// What a phone, another user or the test's clock does, through the emulator's control plane.
async function admin(method, path, body) {
  const response = await fetch(`${BASE_URL.replace(/\/api\/?$/, "/admin")}${path}`, {
    method,
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`admin ${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()).data;
}

const advanceClock = (seconds) => admin("POST", "/clock/advance", { seconds });

// The SDK's error for a call the emulator refuses; a call that succeeds is a failure here.
async function refusal(call) {
  try {
    await call;
  } catch (error) {
    if (error.name !== "WasenderAPIError") throw error;
    const { statusCode, apiMessage: message, errorDetails, retryAfter } = error;
    return { statusCode, message, errors: errorDetails ?? null, retryAfter: retryAfter ?? null };
  }
  throw new Error("the emulator accepted a call the flow expects it to refuse");
}

// Runs the flow and prints its observations with the methods called, as the last stdout line.
function report(flow) {
  flow()
    .then((observed) => console.log(JSON.stringify({ ...observed, called: called() })))
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}

module.exports = { admin, advanceClock, accountClient, refusal, report, sessionClient };
