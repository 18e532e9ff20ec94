// A session's life through the Node SDK: create, pair by QR code, read, update, rotate its key,
// disconnect, delete. Env: BASE_URL, PAT, PHONE (the new session's number).
const { accountClient, admin, refusal, report, sessionClient } = require("./common.cjs");

async function pair(account, id) {
  const connect = (await account.connectWhatsAppSession(id)).response.data;
  const qrCode = (await account.getWhatsAppSessionQRCode(id)).response.data.qrCode;
  const qrImage = (await account.connectWhatsAppSession(id, true)).response.data.qrCode;
  await admin("POST", `/sessions/${id}/scan`); // the phone scans the QR code
  return { connect, qrCode, qrImagePrefix: qrImage.slice(0, 22) };
}

async function update(account, id) {
  const changes = { name: "Renamed by Node", log_messages: false, webhook_events: ["messages.received", "session.status"] };
  const answered = (await account.updateWhatsAppSession(id, changes)).response.data;
  const readBack = (await account.getWhatsAppSessionDetails(id)).response.data;
  return { changes, answered, readBack };
}

async function rotateKey(account, id, oldKey) {
  const newKey = (await account.regenerateApiKey(id)).response.api_key;
  return {
    newKey,
    oldKeyRefused: await refusal(sessionClient(oldKey).getSessionStatus()),
    statusWithNewKey: (await sessionClient(newKey).getSessionStatus()).response.status,
  };
}

async function end(account, id, apiKey) {
  const disconnected = (await account.disconnectWhatsAppSession(id)).response.data;
  const statusAfterDisconnect = (await sessionClient(apiKey).getSessionStatus()).response.status;
  const deleted = (await account.deleteWhatsAppSession(id)).response;
  return {
    disconnected,
    statusAfterDisconnect,
    deleted,
    deletedKeyRefused: await refusal(sessionClient(apiKey).getSessionStatus()),
    detailsAfterDelete: await refusal(account.getWhatsAppSessionDetails(id)),
  };
}

report(async () => {
  const account = accountClient(process.env.PAT);
  const payload = { name: "Node session", phone_number: process.env.PHONE, account_protection: true, log_messages: true };
  const created = (await account.createWhatsAppSession(payload)).response.data;
  const listedAfterCreate = (await account.getAllWhatsAppSessions()).response.data.map((s) => s.id);
  const pairing = await pair(account, created.id);
  const statusAfterScan = (await sessionClient(created.api_key).getSessionStatus()).response.status;
  const detailsAfterScan = (await account.getWhatsAppSessionDetails(created.id)).response.data;
  const updated = await update(account, created.id);
  const rotated = await rotateKey(account, created.id, created.api_key);
  const ended = await end(account, created.id, rotated.newKey);
  const listedAfterDelete = (await account.getAllWhatsAppSessions()).response.data.map((s) => s.id);
  return { created, listedAfterCreate, pairing, statusAfterScan, detailsAfterScan, updated, rotated, ended, listedAfterDelete };
});
