// A chat with the JS client: a text to an echo number, its answer quoted in a reply (`replyTo`,
// which only the JS sendText carries), the chat's messages and their read. Prints one JSON object.
const { recordingClient, admin, run } = require('./recording.cjs');

const { WASEND_URL, ADMIN_URL, WASEND_KEY, PHONE } = process.env;
const { client, called } = recordingClient(WASEND_KEY, WASEND_URL);
const ECHO = '+15550040009';
const CHAT = '15550040009@c.us';

async function main() {
  const id = (await client.createSession({ sessionName: 'JS chats', phoneNumber: PHONE })).uniqueSessionId;
  await admin(ADMIN_URL, `/sessions/${id}/scan`);
  await client.sendText({ session: id, to: ECHO, text: 'hello echo' });
  await admin(ADMIN_URL, '/clock/advance', { seconds: 60 });
  const chats = await client.getAllChats(id);
  const before = await client.getMessages(id, CHAT, { limit: 10 });
  const answer = before.data[0];
  const reply = await client.sendText({ session: id, to: ECHO, text: 'quoting you', replyTo: answer.id });
  const quoted = await client.getMessageById(id, CHAT, reply.id);
  const read = await client.readMessages(id, CHAT, { days: 1 });
  const after = await client.getMessages(id, CHAT, { limit: 10, filter: { fromMe: false } });
  await client.deleteSession(id);
  console.log(JSON.stringify({
    id, chats: chats.data, before: before.data, answer, reply, quoted: quoted.data, read, after: after.data,
    called: [...called],
  }));
}

run(main);
