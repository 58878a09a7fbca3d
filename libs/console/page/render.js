// Renders state into the page. Lists and the transcript are keyed (reconcile), so an update
// never steals focus from a button or rebuilds what the agent is reading.
import {
  state, selected, listed, isClosed, isGone, isMine, isSupervisor, canSend, canNote, canManage,
} from './state.js';
import { el, $, setText, reconcile, fmtWait, fmtTime, fmtFull, fmtDay, safeHttpUrl, cmpCursor, TRIGGERS, reasonLabel, dispositionLabel } from './util.js';
import { messageBody } from './kore-template.js';

const actions = { accept() {}, select() {}, retry() {}, edit() {} };
export const setActions = (a) => Object.assign(actions, a);

const nameOf = (v) => v.userName || `Visitor ${v.visitorKey}`;
function closedText(c, outcome = '') {
  const d = dispositionLabel(c.disposition);
  return `Closed (${reasonLabel(c.closedReason)})${d ? ` · ${outcome}${d}` : ''}`;
}

export function render(parts) {
  if (parts.has('header')) renderHeader();
  if (parts.has('queue')) renderQueue();
  if (parts.has('list')) renderList();
  if (parts.has('conv') || parts.has('list')) renderConv();
  renderTitle();
}

function renderHeader() {
  const me = state.me ?? {};
  setText($('#me-name'), me.name ?? '');
  setText($('#me-role'), me.role ?? '');
  const open = listed().filter((c) => isMine(c) && !isClosed(c)).length;
  setText($('#me-load'), me.maxChats ? `${open}/${me.maxChats} chats` : '');
  $('#presence').value = state.status;
  const conn = $('#connection');
  const label = { connected: 'Connected', reconnecting: 'Reconnecting…', connecting: 'Connecting…' }[state.connection];
  setText(conn, label);
  conn.className = `conn ${state.connection}`;
  const banner = $('#offline-banner');
  banner.hidden = state.connection !== 'reconnecting';
  const waiting = state.outbox.filter((i) => i.state !== 'failed').length;
  setText(banner, `Reconnecting… Keep typing: messages are kept and sent when the connection is back.${waiting ? ` (${waiting} waiting to be sent)` : ''}`);
}

function renderQueue() {
  const list = $('#queue');
  reconcile(list, state.queue, (q) => q.conversationId, (q) => {
    const li = el('li', { class: 'item', dataset: { testid: 'queue-item', conversationId: q.conversationId } });
    li._name = el('span', { class: 'name' });
    li._wait = el('span', { class: 'wait', title: 'Waiting for' });
    li._trigger = el('span', { class: 'tag' });
    li._team = el('span', { class: 'tag', dataset: { testid: 'queue-team' } });
    li._btn = el('button', { type: 'button', class: 'accept', dataset: { testid: 'accept' }, onclick: () => actions.accept(q.conversationId) }, 'Accept');
    li.append(el('div', { class: 'row' }, li._name, li._wait), el('div', { class: 'row' }, el('span', { class: 'tags' }, li._trigger, li._team), li._btn));
    return li;
  }, (li, q) => {
    setText(li._name, `${q.position}. ${nameOf(q)}`);
    since(li._wait, q.waitingSince);
    setText(li._trigger, TRIGGERS[q.trigger] ?? q.trigger);
    // Each team's queue counts its own places.
    setText(li._team, q.teamName ?? 'General');
    li._btn.setAttribute('aria-label', `Accept ${nameOf(q)}`);
  });
  $('#queue-empty').hidden = state.queue.length > 0;
  setText($('#queue-count'), state.queue.length ? String(state.queue.length) : '');
}

function renderList() {
  const items = listed();
  reconcile($('#mine'), items, (c) => c.id, (c) => {
    const li = el('li');
    li._btn = el('button', { type: 'button', class: 'conv-item', dataset: { testid: 'my-conversation', conversationId: c.id }, onclick: () => actions.select(c.id) });
    li._name = el('span', { class: 'name' });
    li._dot = el('span', { class: 'dot', title: 'User is typing', 'aria-label': 'typing' });
    li._unread = el('span', { class: 'badge' });
    li._sub = el('span', { class: 'sub' });
    li._btn.append(el('span', { class: 'row' }, li._name, li._dot, li._unread), li._sub);
    li.append(li._btn);
    return li;
  }, (li, c) => {
    const v = c.view;
    setText(li._name, nameOf(v));
    li._btn.toggleAttribute('aria-current', state.selectedId === c.id);
    li._btn.classList.toggle('done', isClosed(c) || isGone(c));
    li._dot.hidden = !c.typing;
    li._unread.hidden = !c.unread;
    setText(li._unread, String(c.unread));
    li._unread.setAttribute('aria-label', `${c.unread} unread`);
    const awaiting = isMine(c) && !isClosed(c) && c.lastUserAt > (c.lastAgentAt ?? '');
    li._sub.replaceChildren(isClosed(c) ? closedText(c)
      : isGone(c) ? `Transferred to ${v.agentName ?? 'another agent'}`
      : !isMine(c) ? `With ${v.agentName ?? 'nobody'}`
      : awaiting ? 'Awaiting your reply ' : TRIGGERS[v.trigger] ?? '');
    if (awaiting) li._sub.append(since(el('span', { class: 'wait' }), c.lastUserAt));
  });
  $('#mine-empty').hidden = items.length > 0;
  setText($('#mine-title').firstChild, isSupervisor() ? 'Conversations ' : 'My conversations ');
  const open = items.filter((c) => !isClosed(c) && !isGone(c)).length;
  setText($('#mine-count'), open ? String(open) : '');
}

let shownId = null;

function renderConv() {
  const c = selected();
  $('#conv-none').hidden = !!c?.view;
  $('#conv-main').hidden = !c?.view;
  if (!c?.view) {
    shownId = null;
    return;
  }
  const v = c.view;
  const switched = shownId !== c.id;
  shownId = c.id;
  setText($('#conv-name'), nameOf(v));
  const stateLabel = isClosed(c) ? 'closed' : v.state;
  setText($('#conv-meta'), [`Visitor ${v.visitorKey}`, stateLabel, v.agentName ? `agent ${v.agentName}` : null, TRIGGERS[v.trigger]].filter(Boolean).join(' · '));
  const link = $('#history-link');
  const href = safeHttpUrl(v.historyUrl);
  link.hidden = !href;
  if (href) link.href = href;
  else link.removeAttribute('href');
  $('#transfer-button').disabled = !canManage(c);
  $('#close-button').disabled = !canManage(c);

  const banner = $('#conv-banner');
  banner.hidden = !(isClosed(c) || isGone(c));
  banner.dataset.testid = isClosed(c) ? 'closed-banner' : 'transferred-banner';
  setText($('#conv-banner-text'), isClosed(c) ? closedText(c, 'Outcome: ') : `Transferred to ${v.agentName ?? 'another agent'}`);

  renderTranscript(c, switched);
  setText($('#typing'), c.typing && !isClosed(c) ? `${v.userName || 'User'} is typing…` : '');
  renderComposer(c, switched);
}

function renderTranscript(c, switched) {
  const box = $('#transcript');
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 60;
  const before = box.children.length;
  let readAt = null;
  if (c.readCursor) {
    for (const cur of c.order) if (c.msgs.get(cur).kind === 'agent' && cmpCursor(cur, c.readCursor) <= 0) readAt = cur;
  }
  const items = [];
  let day = null;
  const push = (at, item) => {
    const d = new Date(at).toDateString();
    if (d !== day) items.push({ key: `d:${(day = d)}`, day: at });
    items.push(item);
  };
  for (const cur of c.order) push(c.msgs.get(cur).at, { key: `m:${cur}`, m: c.msgs.get(cur), read: cur === readAt });
  for (const o of state.outbox) if (o.conversationId === c.id) push(o.at, { key: `o:${o.clientId}`, o });
  if (switched) {
    box.replaceChildren();
    box._nodes = new Map();
  }
  reconcile(box, items, (i) => i.key, messageNode, updateMessage);
  if (switched || atBottom) box.scrollTop = box.scrollHeight;
  else if (box.children.length > before) $('#jump').hidden = false;
}

/** Also draws past conversations (item.m only). */
export function messageNode(item) {
  if (item.day) return el('div', { class: 'day', role: 'separator' }, fmtDay(item.day));
  const o = item.o;
  const m = item.m ?? { kind: o.note ? 'note' : 'agent', text: o.text, at: o.at, authorName: state.me?.name };
  const k = m.kind;
  const time = el('time', { datetime: m.at, title: fmtFull(m.at) }, fmtTime(m.at));
  const who = { user: m.authorName || 'User', agent: m.authorName || 'Agent', note: `Private note · ${m.authorName ?? ''}`, whisper: `Whisper from ${m.authorName ?? 'a supervisor'} (supervisor)` }[k];
  const node = el('div', { class: `msg ${k}${o ? ' pending' : ''}`, dataset: { testid: 'message', kind: k, cursor: m.cursor, clientId: o?.clientId } },
    k === 'system' ? null : el('div', { class: 'meta' }, who, ' · ', time),
    el('div', { class: 'text' }, messageBody(m.text), k === 'system' ? [' · ', time] : null));
  node._state = el('div', { class: 'state' });
  node.append(node._state);
  return node;
}

function updateMessage(node, item) {
  if (item.day) return;
  if (item.o) {
    const o = item.o;
    if (o.state === 'failed') {
      node._state.replaceChildren(`⚠ Not sent: ${o.error} `,
        el('button', { type: 'button', class: 'link', onclick: () => actions.retry(o.clientId) }, 'Retry'), ' ',
        el('button', { type: 'button', class: 'link', onclick: () => actions.edit(o.clientId) }, 'Edit'));
    } else setText(node._state, state.connection === 'connected' ? 'Sending…' : 'Sending… (waiting for the connection)');
    node.classList.toggle('failed', o.state === 'failed');
    return;
  }
  const m = item.m;
  if (m.kind !== 'agent') return;
  const label = { delivered: '✓ Delivered', failed: '⚠ Not delivered', pending: 'Sent' }[m.deliveryState] ?? '';
  node._state.replaceChildren(label);
  if (m.deliveryState === 'failed' && canSend(selected())) node._state.append(' ', el('button', { type: 'button', class: 'link', onclick: () => actions.edit(null, m.text) }, 'Resend'));
  if (item.read) node._state.append(el('span', { class: 'read' }, ' · Read'));
  node.classList.toggle('failed', m.deliveryState === 'failed');
}

function renderComposer(c, switched) {
  const ta = $('#composer');
  const sendable = canSend(c);
  const notable = canNote(c);
  if (!sendable && notable) c.note = true; // a supervisor watching someone else's chat writes notes only
  if (switched) ta.value = c.draft;
  ta.disabled = !notable;
  const toggle = $('#note-toggle');
  toggle.checked = c.note;
  toggle.disabled = !sendable;
  $('#composer-form').classList.toggle('note', c.note && notable);
  $('#send').disabled = !notable;
  $('#canned-button').disabled = !notable;
  setText($('#send'), c.note ? 'Add note' : 'Send');
  ta.placeholder = isClosed(c) ? 'This conversation is closed.' : !notable ? 'This conversation is read-only.'
    : !sendable ? 'Private note: only agents see it (you are watching this conversation).'
    : c.note ? 'Private note: only agents see it. Esc to leave note mode.'
    : 'Reply to the user. Enter sends, Shift+Enter adds a line, / opens canned responses.';
  ta.setAttribute('aria-label', c.note ? 'Private note' : 'Reply to the user');
}

/** A live wait time (mm:ss), updated by tick(); red past 2 minutes, when a wait starts to hurt. */
function since(node, iso, now = Date.now()) {
  node.dataset.since = iso;
  setText(node, fmtWait(iso, now));
  node.classList.toggle('late', now - Date.parse(iso) > 120000);
  return node;
}

export function tick() {
  const now = Date.now();
  for (const n of document.querySelectorAll('[data-since]')) since(n, n.dataset.since, now);
}

function renderTitle() {
  const unread = [...state.convs.values()].reduce((n, c) => n + c.unread, 0);
  const bits = [state.queue.length && `${state.queue.length} waiting`, unread && `${unread} unread`].filter(Boolean);
  document.title = bits.length ? `(${bits.join(', ')}) Agent console` : 'Agent console';
}
