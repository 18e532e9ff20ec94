"use strict";
// The emulator's dashboard: plain DOM, one event stream, data from /admin.

const PAGE_SIZE = 50;
// A chat keeps at most this many bubbles in the page, however long it is: scrolling loads the
// pages on either side, and what falls out of the window leaves the DOM.
const MAX_BUBBLES = 200;
// How near an edge of the conversation a scroll loads the next page.
const EDGE_PX = 80;
const ADVANCE_STEPS = [[1, "1 s"], [5, "5 s"], [45, "45 s"], [60, "1 min"], [300, "5 min"], [3600, "1 h"], [86400, "1 day"]];
const TICKS = { in_progress: "🕓", sent: "✓", delivered: "✓✓", read: "✓✓", played: "✓✓", failed: "!" };
const JOURNAL_ROWS = 200;

const state = {
  token: sessionStorage.getItem("adminToken") || "",
  view: "sessions",
  sessions: [],
  chatSession: null,
  chatId: null,
  bubbles: new Map(),      // message id -> bubble JSON of the open chat, those in the window
  byKey: new Map(),        // key id -> message id
  hasOlder: false,         // older messages than the window shows exist
  atLatest: true,          // the window reaches the chat's newest message
  loading: false,
  scrollTop: 0,            // where the conversation was scrolled when last seen
  selected: null,
  faults: new Map(),       // rule id -> fault rule JSON
  drawn: {},               // list name -> the JSON it was last drawn from
  delivery: null,
  inbox: null,
};

const $ = (id) => document.getElementById(id);

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
  return node;
}

function withToken(path) {
  if (!state.token) return path;
  return path + (path.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(state.token);
}

class ApiError extends Error {}

async function api(path, { method = "GET", body } = {}) {
  const headers = {};
  if (state.token) headers.Authorization = "Bearer " + state.token;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const answer = await response.json().catch(() => ({}));
  if (response.status === 401) {
    askForToken("That token was not accepted.");
    throw new ApiError("unauthorized");
  }
  if (!response.ok || answer.success === false) {
    const details = answer.errors ? " " + JSON.stringify(answer.errors) : "";
    throw new ApiError((answer.message || response.statusText) + details);
  }
  return answer.data;
}

function debounce(fn, ms) {
  let timer = null;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

function shortTime(iso) {
  return iso ? iso.slice(11, 19) : "";
}

function jidUser(jid) {
  return (jid || "").split("@")[0].split(":")[0];
}

// Token ---------------------------------------------------------------------------------------

function askForToken(problem) {
  $("token-form").hidden = false;
  $("token-error").textContent = problem || "";
  document.querySelector("main").hidden = true;
}

$("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  state.token = $("token-input").value.trim();
  sessionStorage.setItem("adminToken", state.token);
  $("token-form").hidden = true;
  document.querySelector("main").hidden = false;
  start();
});

// Views ---------------------------------------------------------------------------------------

function show(view) {
  state.view = view;
  for (const tab of document.querySelectorAll("[role=tab]")) tab.setAttribute("aria-selected", String(tab.dataset.view === view));
  for (const section of document.querySelectorAll(".view")) section.hidden = section.id !== "view-" + view;
  if (view === "webhooks") refreshWebhooks();
  if (view === "control") { refreshClock(); refreshJournal(); }
  if (view === "chats") refreshChats();
  if (view === "faults") refreshFaults().catch(report);
}

for (const tab of document.querySelectorAll("[role=tab]")) tab.addEventListener("click", () => show(tab.dataset.view));

function report(error) {
  if (!(error instanceof ApiError) || error.message !== "unauthorized") alertLine(error.message);
}

function alertLine(text) {
  const target = state.view === "chats" ? $("compose-error") : $("live");
  target.textContent = text;
}

// Sessions ------------------------------------------------------------------------------------

async function refreshSessions() {
  state.sessions = await api("/admin/dashboard/sessions");
  if (changed("sessions", state.sessions)) {
    renderSessions();
    fillSessionSelects();
  }
  if (state.chatSession === null && state.sessions.length) state.chatSession = state.sessions[0].id;
  if (state.chatSession !== null) $("chat-session").value = state.chatSession;
}

function sessionAction(session, label, run) {
  return el("button", { type: "button", "data-action": label, onclick: () => run().then(refreshSessions).catch(report) }, label);
}

function renderSessions() {
  const cards = state.sessions.map((s) => {
    const forced = (status) => () => api(`/admin/sessions/${s.id}/status`, { method: "POST", body: { status } });
    const webhooks = s.webhooks.length
      ? s.webhooks.map((w) => el("div", { text: `${w.enabled ? "on" : "off"}: ${w.url}` + (w.events ? ` (${w.events.join(", ")})` : "") }))
      : ["none"];
    return el("article", { class: "card", "data-session": s.id, "aria-label": `Session ${s.id} ${s.name}` },
      el("h2", {}, `${s.name} `, el("small", { text: `#${s.id}` })),
      el("p", { class: "status status-" + s.status, "data-status": s.status }, "Status: ", el("b", { text: s.status.replace("_", " ") })),
      el("dl", {},
        el("dt", { text: "Phone" }), el("dd", { text: s.phone_number }),
        el("dt", { text: "API" }), el("dd", { text: s.api }),
        el("dt", { text: "Account" }), el("dd", { text: `${s.account_id} (${s.plan || "?"} plan)` }),
        el("dt", { text: "Webhooks" }), el("dd", {}, ...webhooks)),
      s.qr_image && el("figure", { class: "qr" },
        el("img", { src: s.qr_image, alt: `QR code to pair session ${s.id}`, width: 180, height: 180 }),
        el("figcaption", { text: `${s.qr_rotates ? "Rotates" : "Expires"} at ${shortTime(s.qr_expires_at)} (clock time)` })),
      el("div", { class: "actions" },
        ["disconnected", "logged_out", "expired"].includes(s.status) &&
          sessionAction(s, "Connect", () => api(`/admin/dashboard/sessions/${s.id}/connect`, { method: "POST" })),
        s.status === "need_scan" && sessionAction(s, "Scan", () => api(`/admin/sessions/${s.id}/scan`, { method: "POST" })),
        s.status === "connected" && sessionAction(s, "Restart", () => api(`/admin/dashboard/sessions/${s.id}/restart`, { method: "POST" })),
        s.status !== "disconnected" && sessionAction(s, "Disconnect", forced("disconnected")),
        !["logged_out", "disconnected"].includes(s.status) && sessionAction(s, "Log out", forced("logged_out")),
        !["expired", "disconnected"].includes(s.status) && sessionAction(s, "Expire", forced("expired")),
        el("button", { type: "button", onclick: () => { openSession(s.id); show("chats"); } }, "Chats")));
  });
  $("session-list").replaceChildren(...cards);
}

function fillSessionSelects() {
  for (const [id, blank] of [["chat-session", null], ["filter-session", "any"]]) {
    const select = $(id);
    const current = select.value;
    const options = state.sessions.map((s) => el("option", { value: s.id }, `#${s.id} ${s.name} (${s.status})`));
    select.replaceChildren(...(blank ? [el("option", { value: "" }, blank)] : []), ...options);
    if (current && state.sessions.some((s) => String(s.id) === current)) select.value = current;
  }
}

// Chats ---------------------------------------------------------------------------------------

$("chat-session").addEventListener("change", () => openSession(Number($("chat-session").value)));

function openSession(id) {
  state.chatSession = id;
  $("chat-session").value = id;
  openChat(null);
  refreshChats();
}

// A list is drawn again only when what it shows changed: one redrawn under a click swallows it.
function changed(name, value) {
  const drawn = JSON.stringify(value);
  if (state.drawn[name] === drawn) return false;
  state.drawn[name] = drawn;
  return true;
}

async function refreshChats() {
  const session = state.chatSession;
  if (session === null) return;
  const chats = await api(`/admin/dashboard/sessions/${session}/chats`);
  if (session !== state.chatSession || !changed("chats", [session, chats])) return;
  $("chat-list").replaceChildren(...chats.map((c) => el("li", {},
    el("button", { type: "button", "data-chat": c.id, "aria-current": c.id === state.chatId ? "true" : null, onclick: () => openChat(c.id) },
      el("span", { class: "chat-name", text: c.name || (c.is_group ? c.id : "+" + jidUser(c.id)) }),
      c.unread_count > 0 && el("span", { class: "unread", "aria-label": `${c.unread_count} unread` }, String(c.unread_count)),
      el("span", { class: "chat-time", text: shortTime(c.updated_at) })))));
}

function openChat(chatId) {
  state.chatId = chatId;
  state.bubbles.clear();
  state.byKey.clear();
  state.hasOlder = false;
  state.atLatest = true;
  selectBubble(null);
  $("bubbles").replaceChildren();
  showWindowEdges();
  $("chat-title").textContent = chatId ? (chatId.endsWith("@g.us") ? "Group " + chatId : "Chat with +" + jidUser(chatId)) : "Choose a chat, or write as a contact below to start one.";
  const group = chatId && chatId.endsWith("@g.us");
  $("compose-group").value = group ? chatId : "";
  if (chatId && !group) $("compose-from").value = "+" + jidUser(chatId);
  for (const button of document.querySelectorAll("#chat-list button")) button.setAttribute("aria-current", String(button.dataset.chat === chatId));
  if (chatId) loadPage("latest").catch(report);
}

function messagesPath(bound, limit) {
  const query = new URLSearchParams({ chat: state.chatId, limit: String(limit) });
  for (const [name, id] of Object.entries(bound)) query.set(name, String(id));
  return `/admin/dashboard/sessions/${state.chatSession}/messages?${query}`;
}

const shownIds = () => [...$("bubbles").children].map((child) => Number(child.dataset.id));

// "latest" reads the newest page again (on opening, and whenever the chat changes while the
// window reaches it); "older" and "newer" move the window by a page.
async function loadPage(direction) {
  if (direction !== "latest" && state.loading) return;
  const chatId = state.chatId;
  const ids = shownIds();
  const bound = direction === "older" ? { before: ids[0] } : direction === "newer" ? { after: ids[ids.length - 1] } : {};
  if (direction !== "latest") state.loading = true;
  try {
    // One more than a page: whether it came says if there is more beyond.
    const fetched = await api(messagesPath(bound, PAGE_SIZE + 1));
    if (chatId !== state.chatId) return;
    const more = fetched.length > PAGE_SIZE;
    const page = direction === "newer" ? fetched.slice(-PAGE_SIZE) : fetched.slice(0, PAGE_SIZE);
    const box = $("messages");
    const opening = ids.length === 0;
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < EDGE_PX;
    const bubbles = $("bubbles");
    const anchor = direction === "older" ? bubbles.firstElementChild : bubbles.lastElementChild;
    keepInView(anchor, () => {
      for (const message of page) putBubble(message);
      trimWindow(direction === "older" ? "newest" : "oldest");
    });
    if (direction === "older" || opening) state.hasOlder = more;
    if (direction === "newer") state.atLatest = !more;
    if (direction === "latest" && (opening || atBottom)) {
      box.scrollTop = box.scrollHeight;
      state.scrollTop = box.scrollTop;
    }
    showWindowEdges();
  } finally {
    if (direction !== "latest") state.loading = false;
  }
}

// Runs `change`, then scrolls so that `anchor` stays where the reader saw it.
function keepInView(anchor, change) {
  const box = $("messages");
  const before = anchor ? anchor.getBoundingClientRect().top : 0;
  change();
  if (anchor && anchor.isConnected) box.scrollTop += anchor.getBoundingClientRect().top - before;
  state.scrollTop = box.scrollTop;  // the page's own scroll, not the reader's
}

function trimWindow(end) {
  const bubbles = $("bubbles");
  while (bubbles.children.length > MAX_BUBBLES) {
    const node = end === "newest" ? bubbles.lastElementChild : bubbles.firstElementChild;
    const message = state.bubbles.get(Number(node.dataset.id));
    state.bubbles.delete(message.id);
    state.byKey.delete(message.key_id);
    node.remove();
    if (end === "newest") state.atLatest = false;
    else state.hasOlder = true;
  }
}

function showWindowEdges() {
  $("load-older").hidden = !state.hasOlder;
  $("load-newer").hidden = state.atLatest;
}

$("load-older").addEventListener("click", () => loadPage("older").catch(report));
$("load-newer").addEventListener("click", () => loadPage("newer").catch(report));
// The reader's scroll towards an edge loads the page beyond it.
$("messages").addEventListener("scroll", () => {
  const box = $("messages");
  const moved = box.scrollTop - state.scrollTop;
  state.scrollTop = box.scrollTop;
  if (moved < 0 && box.scrollTop < EDGE_PX && state.hasOlder) loadPage("older").catch(report);
  if (moved > 0 && box.scrollHeight - box.scrollTop - box.clientHeight < EDGE_PX && !state.atLatest) loadPage("newer").catch(report);
});

async function refreshBubble(id) {
  const [message] = await api(messagesPath({ before: id + 1 }, 1));
  if (message && message.id === id && state.bubbles.has(id)) putBubble(message);
}

function putBubble(message) {
  const known = state.bubbles.get(message.id);
  const node = renderBubble(message);
  state.bubbles.set(message.id, message);
  state.byKey.set(message.key_id, message.id);
  const existing = document.querySelector(`#bubbles [data-id="${message.id}"]`);
  if (existing) {
    if (JSON.stringify(known) !== JSON.stringify(message)) existing.replaceWith(node);
    return;
  }
  // Keep bubbles in id order: find the first shown bubble with a larger id.
  const after = [...$("bubbles").children].find((child) => Number(child.dataset.id) > message.id);
  $("bubbles").insertBefore(node, after || null);
}

function renderBubble(m) {
  const label = m.from_me ? `Sent message, status ${m.status}` : "Received message";
  const media = m.media && (m.media.inline
    ? el("img", { class: "media", src: withToken(m.media.src), alt: `${m.media.kind}: ${m.media.file_name}` })
    : el("a", { class: "file", href: m.media.src ? withToken(m.media.src) : null, target: "_blank", rel: "noopener" }, `📄 ${m.media.file_name}`));
  const poll = m.poll && el("div", { class: "poll" },
    el("b", { text: "📊 " + m.poll.question }),
    el("ul", {}, m.poll.options.map((o) => el("li", {},
      el("button", { type: "button", class: "vote", onclick: (e) => { e.stopPropagation(); vote(m, o.name); } }, o.name),
      el("span", { class: "votes", text: ` ${o.votes} vote${o.votes === 1 ? "" : "s"}` })))));
  return el("div", {
      class: `bubble ${m.from_me ? "out" : "in"}${m.deleted ? " deleted" : ""}${state.selected === m.id ? " selected" : ""}`,
      "data-id": m.id, "data-status": m.status, "aria-label": label, tabindex: 0,
      onclick: () => selectBubble(m.id),
    },
    m.sender && el("div", { class: "sender", text: "+" + jidUser(m.sender) }),
    m.quoted && el("blockquote", { class: "quote" }, el("b", { text: m.quoted.sender ? "+" + jidUser(m.quoted.sender) : "" }), " ", m.quoted.text),
    m.deleted ? el("div", { class: "text", text: "🚫 This message was deleted" }) : [media, poll, m.text && el("div", { class: "text", text: m.text })],
    el("div", { class: "meta" },
      m.edited && el("span", { class: "edited", text: "edited" }),
      el("time", { datetime: m.sent_at, text: shortTime(m.sent_at) }),
      m.from_me && el("span", { class: `ticks tick-${m.status}`, role: "img", "aria-label": `Status: ${m.status}`, title: m.status }, TICKS[m.status] || "?"),
      m.from_me && el("span", { class: "status-name", text: m.status.replace("_", " ") })),
    reactionsOf(m));
}

// WhatsApp's pill under a bubble: each emoji once, with how many gave it; the label names who.
function reactionsOf(m) {
  if (!m.reactions.length) return null;
  const counts = new Map();
  for (const r of m.reactions) counts.set(r.emoji, (counts.get(r.emoji) || 0) + 1);
  const who = m.reactions.map((r) => `${r.emoji} from ${r.from_me ? "you" : "+" + jidUser(r.by)}`).join(", ");
  return el("span", { class: "reaction", role: "img", "aria-label": `Reactions: ${who}`, title: who },
    [...counts].map(([emoji, count]) => (count > 1 ? `${emoji} ${count}` : emoji)).join(" "));
}

function selectBubble(id) {
  state.selected = state.selected === id ? null : id;
  for (const node of document.querySelectorAll("#bubbles .bubble")) node.classList.toggle("selected", Number(node.dataset.id) === state.selected);
  $("compose-target").textContent = state.selected ? `replying/reacting to message ${state.selected}` : "";
  $("compose-react").disabled = state.selected === null;
}

// The composer: a contact (or a group member) writes to the session ---------------------------

function sender() {
  const body = { from: $("compose-from").value.trim() };
  if ($("compose-group").value.trim()) body.group = $("compose-group").value.trim();
  return body;
}

async function inbound(body) {
  $("compose-error").textContent = "";
  const answer = await api(`/admin/sessions/${state.chatSession}/inbound`, { method: "POST", body });
  const chatId = answer && answer.key && answer.key.remoteJid;
  if (chatId && chatId !== state.chatId) { openChat(chatId); refreshChats(); }
  return answer;
}

$("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("compose-text").value;
  if (!text) return;
  const body = { ...sender(), text };
  if (state.selected) body.reply_to = state.selected;
  inbound(body).then(() => { $("compose-text").value = ""; selectBubble(null); }).catch(report);
});

$("compose-image").addEventListener("change", () => {
  const file = $("compose-image").files[0];
  if (!file) return;
  const reader = new FileReader();
  reader.onload = () => {
    const media = { kind: "image", base64: reader.result, mimetype: file.type || null, file_name: file.name };
    const body = { ...sender(), media };
    if ($("compose-text").value) body.text = $("compose-text").value;
    inbound(body).then(() => { $("compose-image").value = ""; $("compose-text").value = ""; }).catch(report);
  };
  reader.readAsDataURL(file);
});

$("compose-react").addEventListener("click", () => {
  if (state.selected === null) return;
  inbound({ ...sender(), reaction: { message: state.selected, emoji: $("compose-emoji").value } }).catch(report);
});

function vote(message, option) {
  inbound({ ...sender(), vote: { message: message.id, options: [option] } }).catch(report);
}

const refreshOpenChat = debounce(() => {
  refreshChats().catch(report);
  if (state.chatId && state.atLatest) loadPage("latest").catch(report);
}, 100);

// Webhooks ------------------------------------------------------------------------------------

for (const id of ["filter-session", "filter-event", "filter-outcome"]) $(id).addEventListener("change", () => refreshWebhooks());

async function refreshWebhooks() {
  const query = new URLSearchParams({ limit: "200" });
  for (const [id, name] of [["filter-session", "session_id"], ["filter-event", "event"], ["filter-outcome", "outcome"]]) {
    if ($(id).value) query.set(name, $(id).value);
  }
  const deliveries = await api(`/admin/webhooks/deliveries?${query}`);
  $("delivery-rows").replaceChildren(...deliveries.map((d) => el("tr", {
      class: `outcome-${d.outcome}${state.delivery === d.id ? " selected" : ""}`, "data-delivery": d.id, tabindex: 0,
      onclick: () => openDelivery(d.id), onkeydown: (e) => { if (e.key === "Enter") openDelivery(d.id); },
    },
    el("td", { text: d.id }), el("td", { text: d.session_id }), el("td", { text: d.event }),
    el("td", { text: d.outcome }), el("td", { text: d.attempt }),
    el("td", { text: d.status_code ?? d.error ?? "—" }), el("td", { text: shortTime(d.created_at) }))));
  if (state.delivery) openDelivery(state.delivery);
  refreshInboxes();
}

async function openDelivery(id) {
  state.delivery = id;
  const d = await api(`/admin/webhooks/deliveries/${id}`);
  for (const row of document.querySelectorAll("#delivery-rows tr")) row.classList.toggle("selected", Number(row.dataset.delivery) === id);
  $("delivery-detail").replaceChildren(
    el("h3", {}, `Delivery ${d.id}: ${d.event} `, el("span", { class: "outcome", text: d.outcome })),
    el("p", {}, `POST ${d.url}`, d.next_attempt_at ? ` (next attempt at ${d.next_attempt_at})` : ""),
    el("button", { type: "button", id: "redeliver", onclick: () => redeliver(d.id) }, "Redeliver"),
    el("h4", { text: "Headers" }),
    el("pre", { class: "headers", text: Object.entries(d.headers).map(([k, v]) => `${k}: ${v}`).join("\n") }),
    el("h4", { text: "Body" }),
    el("pre", { class: "body", text: JSON.stringify(d.payload, null, 2) }),
    el("h4", { text: "Attempts" }),
    d.attempts.length
      ? el("table", {}, el("thead", {}, el("tr", {}, ["#", "Time", "Answer", "Error", "ms"].map((h) => el("th", { text: h })))),
          el("tbody", {}, d.attempts.map((a) => el("tr", {},
            el("td", { text: a.attempt }), el("td", { text: a.created_at }), el("td", { text: a.status_code ?? "—" }),
            el("td", { text: a.error ?? "" }), el("td", { text: a.duration_ms ?? "" })))))
      : el("p", { text: "No attempt yet." }));
}

async function redeliver(id) {
  try {
    const copy = await api(`/admin/webhooks/deliveries/${id}/redeliver`, { method: "POST" });
    state.delivery = copy.id;
    await refreshWebhooks();
  } catch (error) { report(error); }
}

async function refreshInboxes() {
  const inboxes = await api("/admin/dashboard/inboxes");
  $("inbox-list").replaceChildren(...inboxes.map((i) => el("li", {},
    el("button", { type: "button", onclick: () => openInbox(i.name) }, `${i.name} (${i.received})`))));
  if (state.inbox) openInbox(state.inbox);
}

async function openInbox(name) {
  state.inbox = name;
  const captured = await api(`/admin/inbox/${encodeURIComponent(name)}`);
  $("inbox-detail").replaceChildren(el("h3", { text: `Inbox ${name}` }), ...captured.slice(-50).reverse().map((c) =>
    el("details", {}, el("summary", {}, `#${c.id} ${c.method} ${c.path} → ${c.answered} at ${c.received_at}`),
      el("pre", { text: Object.entries(c.headers).map(([k, v]) => `${k}: ${v}`).join("\n") + "\n\n" + JSON.stringify(c.body, null, 2) }))));
}

// Clock and control ---------------------------------------------------------------------------

$("advance-buttons").replaceChildren(...ADVANCE_STEPS.map(([seconds, label]) => el("button", {
  type: "button", "data-seconds": seconds,
  onclick: () => api("/admin/clock/advance", { method: "POST", body: { seconds } }).then(showClock).catch(report),
}, `+ ${label}`)));

function showClock(clock) {
  $("clock-mode").textContent = clock.mode;
  $("clock-now").textContent = clock.iso;
  $("clock-timers").textContent = clock.pending_timers;
  for (const button of $("advance-buttons").children) button.disabled = clock.mode !== "virtual";
}

async function refreshClock() {
  showClock(await api("/admin/clock"));
  $("rate-limits").checked = (await api("/admin/rate-limits")).enabled;
}

$("rate-limits").addEventListener("change", () =>
  api("/admin/rate-limits", { method: "PUT", body: { enabled: $("rate-limits").checked } }).catch(report));

$("reset").addEventListener("click", async () => {
  try {
    await api("/admin/reset", { method: "POST" });
    state.chatSession = null;
    openChat(null);
    await Promise.all([refreshSessions(), refreshClock(), refreshJournal()]);
  } catch (error) { report(error); }
});

function journalRow(e) {
  return el("tr", {}, el("td", { text: e.id }), el("td", { text: new Date(e.timestamp * 1000).toISOString().slice(0, 19) }),
    el("td", { text: e.session_id }), el("td", { text: e.event }),
    el("td", {}, el("code", { text: JSON.stringify(e.data).slice(0, 160) })));
}

async function refreshJournal() {
  const events = await api(`/admin/events?limit=${JOURNAL_ROWS}`);
  $("journal-rows").replaceChildren(...events.reverse().map(journalRow));
}

function fillEventFilter(names) {
  $("filter-event").append(...names.map((name) => el("option", { text: name })));
}

// Faults --------------------------------------------------------------------------------------

async function refreshFaults() {
  const answer = await api("/admin/faults");
  state.faults = new Map(answer.rules.map((rule) => [rule.id, rule]));
  renderFaults();
}

function onFault(change) {
  if (change.rule) state.faults.set(change.rule.id, change.rule);
  else state.faults.delete(change.removed);
  renderFaultsSoon();
}

// "type key=value ...": every setting of the action, as the admin API names it.
function describeAction(action) {
  const settings = Object.entries(action).filter(([name, value]) => name !== "type" && value !== null);
  return [action.type, ...settings.map(([name, value]) => `${name}=${value}`)].join(" ");
}

function describeMatch(rule) {
  const parts = [rule.route || (rule.event ? `webhook ${rule.event}` : rule.action.type.startsWith("webhook") ? "webhook *" : "on the clock")];
  if (rule.session_id !== null) parts.push(`session ${rule.session_id}`);
  if (rule.recipient !== null) parts.push(`to ${rule.recipient}`);
  return parts.join(", ");
}

function describeWhen(rule) {
  const parts = [rule.times !== null ? `next ${rule.times}` : "every match"];
  if (rule.probability !== null) parts.push(`with probability ${rule.probability}`);
  if (rule.after) parts.push(`after the first ${rule.after}`);
  return parts.join(", ");
}

function renderFaults() {
  const rules = [...state.faults.values()].sort((a, b) => a.id - b.id);
  $("fault-count").hidden = rules.length === 0;
  $("fault-count").textContent = String(rules.length);
  $("fault-count").setAttribute("aria-label", `${rules.length} rule${rules.length === 1 ? "" : "s"}`);
  $("faults-empty").hidden = rules.length > 0;
  $("faults-clear").disabled = rules.length === 0;
  $("fault-rows").replaceChildren(...rules.map((rule) => el("tr", { "data-rule": rule.id, class: rule.spent ? "spent" : null },
    el("td", {}, el("b", { text: rule.label }), " ", el("small", { text: `#${rule.id}` })),
    el("td", { class: "match", title: rule.matches.join("\n") || null, text: describeMatch(rule) }),
    el("td", { class: "when", text: describeWhen(rule) }),
    el("td", {}, el("code", { class: "does", text: describeAction(rule.action) })),
    el("td", { class: "matched", text: rule.matched }),
    el("td", { class: "fired", text: rule.fired }),
    el("td", { class: "state", text: rule.spent ? "spent" : "active" }),
    el("td", {}, el("button", { type: "button", "aria-label": `Delete rule ${rule.label}`,
      onclick: () => api(`/admin/faults/${rule.id}`, { method: "DELETE" }).catch(report) }, "Delete")))));
}

const renderFaultsSoon = debounce(renderFaults, 50);

$("faults-clear").addEventListener("click", () => api("/admin/faults", { method: "DELETE" }).catch(report));

// Live: the event stream ----------------------------------------------------------------------

const refreshSessionsSoon = debounce(() => refreshSessions().catch(report), 50);
const refreshWebhooksSoon = debounce(() => { if (state.view === "webhooks") refreshWebhooks().catch(report); }, 200);
const refreshClockSoon = debounce(() => { if (state.view === "control") refreshClock().catch(report); }, 200);

function onChange(e) {
  if (e.event === "session.status" || e.event === "qrcode.updated") refreshSessionsSoon();
  if (e.session_id === state.chatSession) {
    if (e.event.startsWith("messages") || e.event.startsWith("chats.") || e.event === "poll.results") refreshOpenChat();
    for (const key of changedKeys(e)) {
      const id = state.byKey.get(key);
      if (id !== undefined) refreshBubble(id).catch(report);
    }
  }
  if (state.view === "control") {
    $("journal-rows").prepend(journalRow(e));
    while ($("journal-rows").children.length > JOURNAL_ROWS) $("journal-rows").lastChild.remove();
  }
  refreshWebhooksSoon();
  refreshClockSoon();
}

// Key ids an event names: the older bubbles it changes are read again one by one.
function changedKeys(e) {
  const data = e.data || {};
  if (e.event === "messages.update" || e.event === "poll.results") return [data.key && data.key.id];
  if (e.event === "messages.delete") return (data.keys || []).map((k) => k.id);
  if (e.event === "messages.reaction") return data.map((r) => r.key.id);
  if (e.event === "messages.upsert") {
    // The session's own reaction is a message that names the one it reacts to.
    return (data.messages || []).map((m) => m.message && m.message.reactionMessage && m.message.reactionMessage.key.id).filter(Boolean);
  }
  return [];
}

let stream = null;

function follow() {
  if (stream) stream.close();
  stream = new EventSource(withToken("/admin/dashboard/stream"));
  stream.addEventListener("ready", () => {
    $("live").textContent = "live";
    $("live").className = "live on";
    refreshFaults().catch(report);  // what changed while the stream was away
  });
  stream.addEventListener("change", (message) => onChange(JSON.parse(message.data)));
  stream.addEventListener("fault", (message) => onFault(JSON.parse(message.data)));
  stream.addEventListener("sessions", refreshSessionsSoon);
  stream.addEventListener("lost", () => { refreshSessionsSoon(); refreshOpenChat(); refreshFaults().catch(report); });
  stream.onerror = () => { $("live").textContent = "reconnecting…"; $("live").className = "live off"; };
}

async function start() {
  try {
    await refreshSessions();
  } catch (error) {
    report(error);
    return;
  }
  follow();
  fillEventFilter(EVENT_NAMES);
  refreshChats().catch(report);
}

const EVENT_NAMES = (document.documentElement.dataset.events || "").split(" ").filter(Boolean);

if (document.documentElement.dataset.tokenRequired === "true" && !state.token) askForToken();
else start();
