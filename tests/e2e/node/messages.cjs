// Every message kind the Node SDK sends, then what WhatsApp stored for each, an edit, a delete
// and the delivery receipts. Env: BASE_URL, API_KEY (a connected session), OWN (its number), TO,
// GROUP, MENTION.
const { advanceClock, refusal, report, sessionClient } = require("./common.cjs");

const { OWN, TO, GROUP, MENTION } = process.env;
const MEDIA = "https://example.com/media";

// The SDK's typed helpers, one per kind; the generic send carries the poll, which has no helper.
function sendEveryKind(client) {
  return {
    text: client.sendText({ to: TO, text: "hello from node" }),
    image: client.sendImage({ to: TO, imageUrl: `${MEDIA}/photo.jpg`, text: "a photo" }),
    video: client.sendVideo({ to: TO, videoUrl: `${MEDIA}/clip.mp4`, text: "a clip" }),
    document: client.sendDocument({ to: TO, documentUrl: `${MEDIA}/report.pdf`, fileName: "report.pdf", text: "the report" }),
    audio: client.sendAudio({ to: TO, audioUrl: `${MEDIA}/voice.ogg` }),
    sticker: client.sendSticker({ to: TO, stickerUrl: `${MEDIA}/sticker.webp` }),
    contact: client.sendContact({ to: TO, contact: { name: "Bob Builder", phone: "+15557654321" } }),
    // String coordinates, as the SDK's type allows: its number conversion looks for messageType,
    // which send has already removed, so they go out as strings.
    location: client.sendLocation({
      to: TO,
      location: { latitude: "37.7749", longitude: "-122.4194", name: "HQ", address: "1 Main St" },
    }),
    poll: client.send({
      messageType: "poll",
      to: TO,
      poll: { question: "Lunch?", options: ["Pizza", "Sushi"], multiSelect: true },
    }),
    mentions: client.sendMessageWithMentions(GROUP, `hi @${MENTION.split("@")[0]}`, [MENTION]),
  };
}

async function msgIds(sends) {
  const ids = {};
  for (const [kind, sent] of Object.entries(sends)) ids[kind] = (await sent).response.data.msgId;
  return ids;
}

async function infoOf(client, ids) {
  const info = {};
  for (const [kind, msgId] of Object.entries(ids)) info[kind] = (await client.getMessageInfo(msgId)).response.data;
  return info;
}

report(async () => {
  const client = sessionClient(process.env.API_KEY);
  const ids = await msgIds(sendEveryKind(client));
  const quoted = (await client.sendQuotedMessage({ to: TO, replyTo: ids.text, text: "replying" })).response.data.msgId;
  const info = await infoOf(client, { ...ids, quoted });

  const edited = (await client.editMessage(ids.text, "hello, edited")).response;
  const textAfterEdit = (await client.getMessageInfo(ids.text)).response.data.message;
  const deleted = (await client.deleteMessage(ids.image)).response;
  const infoAfterDelete = await refusal(client.getMessageInfo(ids.image));

  await client.sendPresenceUpdate(TO, "composing", 1500);
  await client.sendPresenceUpdate(OWN, "available"); // online is announced on one's own number
  await advanceClock(10); // past sent, delivered and read
  const statusAfterTenSeconds = (await client.getMessageInfo(ids.text)).response.data.status;
  return { ids: { ...ids, quoted }, info, edited, textAfterEdit, deleted, infoAfterDelete, statusAfterTenSeconds };
});
