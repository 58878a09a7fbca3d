// The supervisors' board: every open conversation and agent, pushed by the server (`board`), with
// wait times ticking here; one conversation watched live, with whisper, take-over and reassign.
import { loadSession } from './state.js';
import { messageNode } from './render.js';
import { $, el, setText, fmtWait, cmpCursor, reconcile, newId, TRIGGERS } from './util.js';
import { status } from './status.js';

const session = loadSession();
const me = session?.agent ?? null;
const token = session && Date.parse(session.expiresAt) > Date.now() ? session.token : null;
const STATES = { queued: 'Waiting', assigned: 'With agent' };
const STATUS = { available: 'Online', away: 'Away', offline: 'Offline' };

let socket = null;
let board = { conversations: [], agents: [] };
/** The conversation open in the side panel: its messages by cursor. */
let watching = null;

if (!token) gate('Sign in on the console first.');
else if (me.role === 'agent') gate('Only supervisors and admins can use the board.');
else if (typeof io === 'undefined') gate('The live connection script did not load. Reload the page.');
else start();

function gate(text) {
  $('#board').hidden = true;
  const box = $('#gate');
  box.replaceChildren(text, ' ', el('a', { href: './' }, 'Go to the console'));
  box.hidden = false;
}

function start() {
  setText($('#me'), `· ${me.name}`);
  $('#board').hidden = false;
  // The page lives at <prefix>/console/; socket.io is served under the same prefix.
  const prefix = location.pathname.replace(/\/console(\/.*)?$/, '');
  socket = io('/console', { auth: { token, view: 'board' }, transports: ['websocket'], path: `${prefix}/socket.io` });
  socket.on('connect', async () => {
    connection('connected', 'Connected');
    const res = await call('board:watch', {});
    if (res.ok) apply(res.board);
    else status(`The board is not available: ${res.error}`, true);
    if (watching) load(watching.id);
  });
  socket.on('disconnect', () => connection('reconnecting', 'Reconnecting…'));
  socket.on('connect_error', (err) => {
    if (err?.message === 'unauthorized') return gate('Your session has ended. Sign in on the console again, then come back.');
    connection('reconnecting', 'Reconnecting…');
  });
  socket.on('board', apply);
  socket.on('message', onMessage);
  setInterval(tick, 1000);
  wire();
}

function connection(cls, text) {
  const c = $('#connection');
  c.className = `conn ${cls}`;
  setText(c, text);
}

/** Never rejects: { ok, error } on a timeout or a lost connection. */
function call(event, body) {
  return socket.timeout(10_000).emitWithAck(event, body).catch(() => ({ ok: false, error: 'no answer, try again' }));
}

// ---- the lists
function apply(next) {
  if (!next) return;
  board = next;
  renderConversations();
  renderAgents();
  renderWatch();
}

const nameOf = (c) => c.userName || `Visitor ${c.visitorKey}`;

function renderConversations() {
  const tbody = $('#conversations');
  setText($('#conv-count'), board.conversations.length ? String(board.conversations.length) : '');
  $('#conv-empty').hidden = board.conversations.length > 0;
  reconcile(tbody, board.conversations, (c) => c.id, (c) => {
    const tr = el('tr', { dataset: { testid: 'board-conversation', conversationId: c.id } });
    tr._cells = [el('td'), el('td'), el('td'), el('td'), el('td', { class: 'time' })];
    const open = el('button', { type: 'button', dataset: { testid: 'board-open' }, onclick: () => watch(c.id) }, 'Open');
    tr.append(...tr._cells, el('td', {}, open));
    return tr;
  }, (tr, c) => {
    const [user, state, agent, team] = tr._cells;
    tr.dataset.state = c.state;
    tr.toggleAttribute('aria-current', watching?.id === c.id);
    setText(user, nameOf(c));
    setText(state, STATES[c.state] ?? c.state);
    setText(agent, c.agentName ?? '—');
    // As the agents' queue names it: no team is the general queue.
    setText(team, c.teamId ? (c.teamName ?? '—') : 'General');
    tickRow(tr, c);
  });
}

function tickRow(tr, c) {
  const time = tr._cells[4];
  setText(time, c.state === 'queued' ? `waiting ${fmtWait(c.openedAt)}` : `${fmtWait(c.lastActivityAt)} since last message`);
  time.classList.toggle('long', c.state === 'queued' && Date.now() - Date.parse(c.openedAt) > 120_000);
}

function renderAgents() {
  reconcile($('#agents'), board.agents, (a) => a.id, (a) => {
    const tr = el('tr', { dataset: { testid: 'board-agent', agentId: a.id } });
    tr._cells = [el('td'), el('td'), el('td'), el('td')];
    tr.append(...tr._cells);
    return tr;
  }, (tr, a) => {
    const [name, role, presence, load] = tr._cells;
    tr.dataset.status = a.status;
    setText(name, a.name);
    setText(role, a.role);
    setText(presence, STATUS[a.status] ?? a.status);
    presence.className = `presence-${a.status}`;
    setText(load, `${a.activeChats}/${a.maxChats}`);
  });
}

function tick() {
  for (const tr of $('#conversations').children) {
    const c = board.conversations.find((x) => x.id === tr.dataset.conversationId);
    if (c) tickRow(tr, c);
  }
}

function onMessage(m) {
  const c = board.conversations.find((x) => x.id === m.conversationId);
  // Only what the user and the agent said counts as the conversation's last message.
  if (c && (m.kind === 'user' || m.kind === 'agent') && m.at > c.lastActivityAt) c.lastActivityAt = m.at;
  if (watching?.id === m.conversationId) addMessages([m]);
}

// ---- one conversation, watched
async function watch(id) {
  watching = { id, msgs: new Map(), ended: false };
  $('#watch').hidden = false;
  $('#watch-transcript').replaceChildren();
  $('#watch-transcript')._nodes = new Map();
  renderConversations();
  renderWatch();
  await load(id);
}

/** The transcript so far, page by page; live lines arrive as `message` meanwhile and merge by cursor. */
async function load(id) {
  let after = '0';
  for (;;) {
    const res = await call('conversation:sync', { conversationId: id, after });
    if (watching?.id !== id) return;
    if (!res.ok) return status(`Could not load the conversation: ${res.error}`, true);
    addMessages(res.messages);
    if (!res.more || res.messages.length === 0) return;
    after = res.messages[res.messages.length - 1].cursor;
  }
}

function addMessages(list) {
  for (const m of list) watching.msgs.set(m.cursor, m);
  const items = [...watching.msgs.values()].sort((a, b) => cmpCursor(a.cursor, b.cursor)).map((m) => ({ key: m.cursor, m }));
  const box = $('#watch-transcript');
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 60;
  reconcile(box, items, (i) => i.key, messageNode, () => {});
  if (atBottom) box.scrollTop = box.scrollHeight;
}

function renderWatch() {
  if (!watching) return;
  const c = board.conversations.find((x) => x.id === watching.id);
  if (!c) watching.ended = true;
  setText($('#watch-name'), c ? nameOf(c) : 'Conversation');
  setText($('#watch-meta'), !c ? 'Ended' : [STATES[c.state], c.agentName ? `agent ${c.agentName}` : null, TRIGGERS[c.trigger]].filter(Boolean).join(' · '));
  const mine = c?.agentId === me.id;
  $('#whisper-form').hidden = !c || c.state !== 'assigned' || mine;
  $('#reply-form').hidden = !mine;
  $('#take-over').disabled = !c || mine;
  const select = $('#reassign-agent');
  const chosen = select.value;
  const offered = board.agents.filter((a) => a.status === 'available' && a.id !== c?.agentId && a.activeChats < a.maxChats);
  select.replaceChildren(...offered.map((a) => el('option', { value: a.id }, `${a.name} (${a.activeChats}/${a.maxChats})`)));
  if (offered.some((a) => a.id === chosen)) select.value = chosen;
  select.disabled = !c || offered.length === 0;
  $('#reassign').disabled = !c || offered.length === 0;
}

function wire() {
  $('#watch-close').addEventListener('click', () => {
    watching = null;
    $('#watch').hidden = true;
    renderConversations();
  });
  $('#whisper-form').addEventListener('submit', (e) => send(e, '#whisper-text', 'supervisor:whisper', 'Whispered to the agent.'));
  $('#reply-form').addEventListener('submit', (e) => send(e, '#reply-text', 'message:send', null));
  $('#take-over').addEventListener('click', async () => {
    const res = await call('supervisor:take-over', { conversationId: watching.id });
    if (!res.ok) return status(`Could not take over: ${res.error}`, true);
    status('You have the conversation now: reply here or in the console.');
    updateLocal(res.conversation);
    $('#reply-text').focus();
  });
  $('#reassign').addEventListener('click', async () => {
    const toAgentId = $('#reassign-agent').value;
    const res = await call('supervisor:reassign', { conversationId: watching.id, toAgentId });
    if (!res.ok) return status(`Could not reassign: ${res.error}`, true);
    status(`Reassigned to ${res.conversation.agentName}.`);
    updateLocal(res.conversation);
  });
}

/** The ack's view now; the board pushed after the change confirms it. */
function updateLocal(view) {
  const c = board.conversations.find((x) => x.id === view.id);
  if (c) Object.assign(c, { state: view.state, agentId: view.agentId, agentName: view.agentName, assignedAt: view.assignedAt });
  renderConversations();
  renderWatch();
}

async function send(e, selector, event, done) {
  e.preventDefault();
  const box = $(selector);
  const text = box.value.trim();
  if (!text || !watching) return;
  const button = e.target.querySelector('button');
  button.disabled = true;
  const res = await call(event, { conversationId: watching.id, text, clientId: newId() });
  button.disabled = false;
  if (!res.ok) return status(`Not sent: ${res.error}`, true);
  box.value = '';
  addMessages([res.message]);
  if (done) status(done);
}
