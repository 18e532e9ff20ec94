// A session's address book through the Node SDK: list, read, picture, the on-WhatsApp check, and
// a block that stops sending until the unblock. Env: BASE_URL, API_KEY (a connected session),
// CONTACT (a saved contact), STRANGER (on WhatsApp, not saved), NOT_ON_WHATSAPP.
const { refusal, report, sessionClient } = require("./common.cjs");

const { CONTACT, STRANGER, NOT_ON_WHATSAPP } = process.env;

async function blockAndUnblock(client) {
  const blocked = (await client.blockContact(CONTACT)).response.data;
  const sendWhileBlocked = await refusal(client.sendText({ to: CONTACT, text: "are you there?" }));
  const unblocked = (await client.unblockContact(CONTACT)).response.data;
  const sentAfterUnblock = (await client.sendText({ to: CONTACT, text: "hello again" })).response.data;
  return { blocked, sendWhileBlocked, unblocked, sentAfterUnblock };
}

report(async () => {
  const client = sessionClient(process.env.API_KEY);
  const contactsBefore = (await client.getContacts()).response.data;
  const info = (await client.getContactInfo(CONTACT)).response.data;
  // Digits only, as the SDK's doc comment shows the argument.
  const picture = (await client.getContactProfilePicture(CONTACT.replace("+", ""))).response.data;
  const onWhatsapp = {
    contact: (await client.checkIfOnWhatsapp(CONTACT)).response.data,
    notOnWhatsapp: (await client.checkIfOnWhatsapp(NOT_ON_WHATSAPP)).response.data,
  };
  const unknownInfo = await refusal(client.getContactInfo(NOT_ON_WHATSAPP));
  const blocking = await blockAndUnblock(client);
  // Writing to someone new puts them in the address book.
  await client.sendText({ to: STRANGER, text: "nice to meet you" });
  const contactsAfter = (await client.getContacts()).response.data;
  return { contactsBefore, info, picture, onWhatsapp, unknownInfo, blocking, contactsAfter };
});
