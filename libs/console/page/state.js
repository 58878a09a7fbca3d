// The console's in-memory state, the session and outbox kept in sessionStorage, and the
// message merge that makes a reconnect lossless (dedupe by cursor, outbox matched by clientId).
import { cmpCursor, maxCursor } from './util.js';

const SESSION_KEY = 'agentBridge.console.session';
const OUTBOX_KEY = 'agentBridge.console.outbox';
const NOTICE_KEY = 'agentBridge.console.notice';

export const state = {
  me: null,
  status: 'offline',
  connection: 'connecting', // connecting | connected | reconnecting
  queue: [],
  agents: [],
  canned: null,
  dispositions: null, // [{ code, label }] offered at close, from the server
  convs: new Map(),
  selectedId: null,
  pendingSelect: null,
  outbox: [],
  expiresAt: null,
};

// ---- rendering is batched into one animation frame per burst of events
const dirty = new Set();
let renderer = null;
let scheduled = false;
export function onRender(fn) {
  renderer = fn;
}
export function changed(...parts) {
  parts.forEach((p) => dirty.add(p));
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    const parts = new Set(dirty);
    dirty.clear();
    renderer?.(parts);
  });
}

// ---- session (token) and outbox persistence: sessionStorage only, never localStorage
function read(key) {
  try {
    return JSON.parse(sessionStorage.getItem(key) ?? 'null');
  } catch {
    return null;
  }
}
export const loadSession = () => read(SESSION_KEY);
export const saveSession = (s) => sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
export const clearSession = () => sessionStorage.removeItem(SESSION_KEY);
export function takeNotice() {
  const notice = sessionStorage.getItem(NOTICE_KEY);
  sessionStorage.removeItem(NOTICE_KEY);
  return notice;
}
export const leaveNotice = (text) => sessionStorage.setItem(NOTICE_KEY, text);

/** The outbox survives a reload of the tab; it is only handed back to the agent who wrote it. */
export function loadOutbox(agentId) {
  const saved = read(OUTBOX_KEY);
  if (!saved || saved.agentId !== agentId) {
    sessionStorage.removeItem(OUTBOX_KEY);
    return [];
  }
  return saved.items.map((i) => ({ ...i, state: i.state === 'failed' ? 'failed' : 'queued' }));
}
export function saveOutbox() {
  if (!state.me) return;
  if (state.outbox.length === 0) sessionStorage.removeItem(OUTBOX_KEY);
  else sessionStorage.setItem(OUTBOX_KEY, JSON.stringify({ agentId: state.me.id, items: state.outbox }));
}
export const pendingOutboxCount = () => read(OUTBOX_KEY)?.items?.length ?? 0;
export function dropOutbox() {
  state.outbox = [];
  sessionStorage.removeItem(OUTBOX_KEY);
}

export function addOutbox(item) {
  state.outbox.push(item);
  saveOutbox();
  changed('conv', 'header');
}
export function removeOutbox(clientId) {
  const before = state.outbox.length;
  state.outbox = state.outbox.filter((i) => i.clientId !== clientId);
  if (state.outbox.length !== before) {
    saveOutbox();
    changed('conv', 'header');
  }
}

// ---- conversations
export function conv(id) {
  let c = state.convs.get(id);
  if (!c) {
    c = {
      id, view: null, msgs: new Map(), order: [], lastCursor: null,
      syncedCursor: null, syncedGen: -1, syncingGen: -1,
      unread: 0, typing: false, typingTimer: 0, readCursor: null, readSent: null,
      closedReason: null, draft: '', note: false, lastUserAt: null, lastAgentAt: null,
      disposition: null, ctx: null, ctxError: null, ctxLoading: false,
    };
    state.convs.set(id, c);
  }
  return c;
}

export const selected = () => (state.selectedId ? state.convs.get(state.selectedId) ?? null : null);
export const isSupervisor = () => state.me?.role === 'supervisor' || state.me?.role === 'admin';
export const isMine = (c) => c.view?.agentId === state.me?.id;
export const isClosed = (c) => c.view?.state === 'closed' || c.closedReason != null;
/** Transferred to someone else while this (non-supervisor) agent still has it open. */
export const isGone = (c) => !isClosed(c) && !isMine(c) && !isSupervisor();
export const canSend = (c) => !!c.view && !isClosed(c) && isMine(c);
export const canNote = (c) => !!c.view && !isClosed(c) && (isMine(c) || isSupervisor());
export const canManage = canNote;

/** Conversations in the side list, in a stable order: open first, then by when they were opened. */
export function listed() {
  return [...state.convs.values()]
    .filter((c) => c.view)
    .sort((a, b) => (isClosed(a) || isGone(a)) - (isClosed(b) || isGone(b)) || a.view.openedAt.localeCompare(b.view.openedAt));
}

export function isViewing(c) {
  return state.selectedId === c.id && document.visibilityState === 'visible' && document.hasFocus();
}

/**
 * Merges messages into a conversation. The same cursor may come again (a sync overlapping live
 * events, or a deliveryState update): it replaces the stored one. A message carrying an outbox
 * clientId settles that outbox entry, so a message whose ack was lost is not sent twice.
 */
export function mergeMessages(c, list, { countUnread }) {
  let added = false;
  for (const m of list) {
    if (!m || m.cursor == null) continue;
    const isNew = !c.msgs.has(m.cursor);
    c.msgs.set(m.cursor, m);
    if (m.clientId) removeOutbox(m.clientId);
    if (!isNew) continue;
    added = true;
    c.lastCursor = maxCursor(c.lastCursor, m.cursor);
    if (m.kind === 'user') {
      c.typing = false;
      if (!c.lastUserAt || m.at > c.lastUserAt) c.lastUserAt = m.at;
      if (countUnread && !isViewing(c)) c.unread++;
    } else if (m.kind === 'agent' && (!c.lastAgentAt || m.at > c.lastAgentAt)) c.lastAgentAt = m.at;
  }
  if (added) c.order = [...c.msgs.keys()].sort(cmpCursor);
  changed('conv', 'list', 'header');
  return added;
}
