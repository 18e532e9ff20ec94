// A group's life through the Node SDK, seen by its owner and by a second session as member:
// create, add and remove, promote and demote, settings, invite link, join by invite, leave.
// Env: BASE_URL, PAT, OWNER_KEY (a connected session), MEMBER_ID and MEMBER_KEY (a session that
// is paired here), MEMBER_JID (its WhatsApp JID), NEWCOMER (on WhatsApp), NOT_ON_WHATSAPP,
// PICTURED_GROUP (a group of the owner with a picture).
const { accountClient, admin, refusal, report, sessionClient } = require("./common.cjs");

const { MEMBER_JID, NEWCOMER, NOT_ON_WHATSAPP, PICTURED_GROUP } = process.env;

async function pairMember(account, id) {
  await account.connectWhatsAppSession(id);
  await admin("POST", `/sessions/${id}/scan`);
}

// Metadata and participant reads are limited to 10 a minute per session (the clock stands
// still here): the flow makes 4 as owner and 3 as member.
const roles = async (client, jid) =>
  Object.fromEntries((await client.getGroupMetadata(jid)).response.data.participants.map((p) => [p.id, p.admin ?? null]));
const participantIds = async (client, jid) => (await client.getGroupParticipants(jid)).response.data.map((p) => p.id);
const groupIds = async (client) => (await client.getGroups()).response.data.map((g) => g.id);

async function membership(owner, member, jid) {
  const added = (await owner.addGroupParticipants(jid, [NEWCOMER, NOT_ON_WHATSAPP])).response.data;
  const promoted = (await owner.updateGroupParticipants(jid, "promote", [MEMBER_JID])).response.data;
  const rolesSeenByMember = await roles(member, jid);
  const demoted = (await owner.updateGroupParticipants(jid, "demote", [MEMBER_JID])).response.data;
  const rolesAfterDemote = await roles(owner, jid);
  const removed = (await owner.removeGroupParticipants(jid, [MEMBER_JID])).response.data;
  return {
    added, promoted, rolesSeenByMember, demoted, rolesAfterDemote, removed,
    memberGroupsAfterRemove: await groupIds(member),
    memberMetadataAfterRemove: await refusal(member.getGroupMetadata(jid)),
  };
}

async function settings(owner, member, jid) {
  const changes = { subject: "Node group, renamed", description: "Set through the Node SDK", announce: true };
  const answered = (await owner.updateGroupSettings(jid, changes)).response.data;
  const metadata = (await member.getGroupMetadata(jid)).response.data;
  const memberSendsInAnnounceMode = await refusal(member.sendText({ to: jid, text: "may I?" }));
  const memberChangesRules = await refusal(member.updateGroupSettings(jid, { announce: false }));
  return { changes, answered, metadata, memberSendsInAnnounceMode, memberChangesRules };
}

async function invitation(owner, member, jid) {
  const link = (await owner.getGroupInviteLink(jid)).response;
  const code = link.inviteLink.split("/").pop();
  const info = (await member.getGroupInviteInfo(code)).response.data;
  const accepted = (await member.acceptGroupInvite(code)).response.data;
  const participantsAfterJoin = await participantIds(owner, jid);
  const memberRefusedLink = await refusal(member.getGroupInviteLink(jid));
  return { link, code, info, accepted, participantsAfterJoin, memberRefusedLink };
}

async function leaving(owner, member, jid) {
  const left = (await member.leaveGroup(jid)).response;
  return { left, participantsAfterLeave: await participantIds(owner, jid), memberGroupsAfterLeave: await groupIds(member) };
}

report(async () => {
  await pairMember(accountClient(process.env.PAT), process.env.MEMBER_ID);
  const owner = sessionClient(process.env.OWNER_KEY);
  const member = sessionClient(process.env.MEMBER_KEY);
  const created = (await owner.createGroup("Node group", [MEMBER_JID])).response.data;
  const jid = created.id;
  return {
    created,
    memberGroups: await groupIds(member),
    rolesAtCreation: await roles(owner, jid),
    settings: await settings(owner, member, jid),
    membership: await membership(owner, member, jid),
    invitation: await invitation(owner, member, jid),
    leaving: await leaving(owner, member, jid),
    pictures: {
      pictured: (await owner.getGroupProfilePicture(PICTURED_GROUP)).response.data,
      created: (await owner.getGroupProfilePicture(jid)).response.data,
    },
  };
});
