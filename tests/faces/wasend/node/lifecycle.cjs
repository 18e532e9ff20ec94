// The README's lifecycle with the JS client from the wheel's tarball: create -> QR -> start ->
// scan -> WORKING -> send. Prints one JSON object: what it saw, and the methods it called.
const { recordingClient, admin, run } = require('./recording.cjs');

const { WASEND_URL, ADMIN_URL, WASEND_KEY, PHONE } = process.env;
const { client, called } = recordingClient(WASEND_KEY, WASEND_URL);

async function main() {
  const created = await client.createSession({ sessionName: 'JS demo', phoneNumber: PHONE });
  const id = created.uniqueSessionId;
  const qr = await client.retrieveQRCode(id);
  const started = await client.startSession(id);
  await admin(ADMIN_URL, `/sessions/${id}/scan`);
  const info = await client.retrieveSessionInfo(id);
  const text = await client.sendText({ session: id, to: '+15551234567', text: 'hi from JS' });
  const unified = await client.send({ session: id, to: '+15551234567', text: 'and again' });
  const listed = await client.retrieveAllSessions();
  const stopped = await client.stopSession(id);
  await client.deleteSession(id);
  const afterDelete = await client.retrieveAllSessions();
  let missing = null;
  try { await client.retrieveSessionInfo(id); } catch (error) { missing = error.response.data; }
  console.log(JSON.stringify({
    id, createdStatus: created.status, qrLength: qr.data.length, startedStatus: started.status,
    infoStatus: info.status, text, unified,
    listedStatus: listed.sessions.find((item) => item.session.uniqueSessionId === id).downstream.status,
    stoppedStatus: stopped.status,
    listedAfterDelete: afterDelete.sessions.map((item) => item.session.uniqueSessionId),
    missing, called: [...called],
  }));
}

run(main);
