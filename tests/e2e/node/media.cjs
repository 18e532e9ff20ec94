// Media through the Node SDK: uploads in each form it offers, sending an upload, and decrypting
// an image a contact sent. Env: BASE_URL, SESSION_ID and API_KEY (a connected session), SENDER
// (a contact), PNG_BASE64 and PDF_BASE64 (the files, which the Python test compares with what is
// served).
const { admin, refusal, report, sessionClient } = require("./common.cjs");

const { SENDER, PNG_BASE64, PDF_BASE64 } = process.env;

async function uploads(client) {
  const withMimetype = (await client.uploadMediaFile({ base64: PNG_BASE64, mimetype: "image/png" })).response;
  const dataUrl = (await client.uploadMediaFile({ base64: `data:application/pdf;base64,${PDF_BASE64}` })).response;
  // The SDK's multipart mode: its request helper never attaches a raw body, so nothing is sent.
  const form = new FormData();
  form.append("file", new Blob([Buffer.from(PNG_BASE64, "base64")], { type: "image/png" }), "photo.png");
  const multipart = await refusal(client.uploadMediaFile(form, true));
  return { withMimetype, dataUrl, multipart };
}

// What a contact's phone does: send an image, which WhatsApp encrypts; the session receives it.
const receiveImage = () =>
  admin("POST", `/sessions/${process.env.SESSION_ID}/inbound`, {
    from: SENDER,
    text: "look at this",
    media: { kind: "image", base64: PNG_BASE64, mimetype: "image/png", file_name: "photo.png" },
  });

report(async () => {
  const client = sessionClient(process.env.API_KEY);
  const uploaded = await uploads(client);
  const sentUpload = (await client.sendImage({ to: SENDER, imageUrl: uploaded.withMimetype.publicUrl })).response.data;
  const sentUploadInfo = (await client.getMessageInfo(sentUpload.msgId)).response.data.message;

  const received = await receiveImage();
  // The message object as a webhook delivers it, which the SDK wraps in the documented `data`.
  const decrypted = (await client.decryptMediaFile({ messages: { key: received.key, message: received.message } })).response;
  const text = { key: received.key, message: { conversation: "hi" } };
  const decryptText = await refusal(client.decryptMediaFile({ messages: text }));
  return { uploaded, sentUploadInfo, received, decrypted, decryptText };
});
