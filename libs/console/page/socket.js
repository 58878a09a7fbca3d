// socket.io connection to the /console namespace: server events into state, acked calls out,
// per-conversation resync after every (re)connect, and the outbox flushed in order.
import {
  state, changed, conv, mergeMessages, removeOutbox, saveOutbox, isClosed, isViewing,
} from './state.js';
import { maxCursor, cmpCursor } from './util.js';
import { status } from './status.js';

let socket = null;
let gen = 0; // bumped on every connect: a sync started on an older connection does not count
let flushing = false;
let retryTimer = 0;
let retryDelay = 1000;
let firstConnectAt = 0;
const SYNC_PAGE = 1000; // the bridge's page size for conversation:sync
const hooks = { unauthorized() {}, newConversation() {}, select() {} };

export function connect(token, on) {
  Object.assign(hooks, on);
  // The page lives at <prefix>/console/; socket.io is served under the same prefix.
  const prefix = location.pathname.replace(/\/console(\/.*)?$/, '');
  socket = io('/console', { auth: { token }, transports: ['websocket'], path: `${prefix}/socket.io` });

  socket.on('connect', () => {
    if (++gen === 1) firstConnectAt = Date.now();
    retryDelay = 1000;
    const wasDown = state.connection === 'reconnecting';
    state.connection = 'connected';
    changed('header');
    if (wasDown) status('Connected again.');
    for (const c of state.convs.values()) if (c.view) sync(c);
    loadLists();
    // Changes while disconnected were not pushed: the offline messages badge counts again.
    window.dispatchEvent(new Event('console:offline'));
  });
  socket.on('offline', () => window.dispatchEvent(new Event('console:offline')));
  socket.on('disconnect', (reason) => {
    state.connection = 'reconnecting';
    for (const i of state.outbox) if (i.state === 'sending') i.state = 'queued';
    changed('header', 'conv', 'list');
    if (reason === 'io server disconnect') retryLater();
  });
  socket.on('connect_error', (err) => {
    if (err?.message === 'unauthorized') return hooks.unauthorized();
    if (state.connection !== 'connecting') state.connection = 'reconnecting';
    changed('header');
    if (!socket.active) retryLater();
  });

  socket.on('session', (s) => {
    state.me = { ...state.me, ...s.agent };
    state.status = s.status;
    changed('header', 'list', 'conv');
  });
  socket.on('queue', ({ items }) => {
    const known = new Set(state.queue.map((q) => q.conversationId));
    state.queue = [...(items ?? [])].sort((a, b) => a.position - b.position);
    const fresh = state.queue.filter((q) => !known.has(q.conversationId));
    if (fresh.length) hooks.newConversation(null, fresh);
    changed('queue', 'header');
  });
  socket.on('conversation', applyConversation);
  socket.on('message', (m) => {
    const c = conv(m.conversationId);
    mergeMessages(c, [m], { countUnread: true });
    // Live events only extend the contiguous range once this connection's resync is done.
    if (c.syncedGen === gen) c.syncedCursor = maxCursor(c.syncedCursor, m.cursor);
    markRead(c);
  });
  socket.on('typing', ({ conversationId, typing }) => {
    const c = conv(conversationId);
    clearTimeout(c.typingTimer);
    c.typing = !!typing;
    if (typing) {
      c.typingTimer = setTimeout(() => {
        c.typing = false;
        changed('conv', 'list');
      }, 6000);
    }
    changed('conv', 'list');
  });
  socket.on('read', ({ conversationId, cursor }) => {
    const c = conv(conversationId);
    c.readCursor = maxCursor(c.readCursor, cursor);
    changed('conv');
  });
  socket.on('conversation:closed', ({ conversationId, reason, disposition }) => {
    const c = conv(conversationId);
    c.closedReason = reason ?? 'closed';
    if (disposition) c.disposition = disposition;
    if (c.view) c.view = { ...c.view, state: 'closed' };
    c.typing = false;
    failClosedOutbox(c);
    changed('list', 'conv', 'header');
  });
  // An admin changed a list: the whole list again.
  socket.on('canned', ({ items }) => {
    state.canned = items ?? [];
    changed('canned');
  });
  socket.on('dispositions', ({ items }) => {
    state.dispositions = items ?? [];
  });
  socket.on('agents', ({ items }) => {
    state.agents = items ?? [];
    changed('agents');
  });
}

/** A conversation view, from the `conversation` event or from the queue:accept answer. */
export function applyConversation(view) {
  const c = conv(view.id);
  const isNew = !c.view;
  c.view = view;
  if (view.state === 'closed') c.closedReason = view.closeReason ?? c.closedReason ?? 'closed';
  else c.closedReason = null;
  if (isNew) {
    // The first connect replays every owned conversation: only later ones are news.
    if (gen > 1 || Date.now() - firstConnectAt > 3000) hooks.newConversation(view);
    if (state.pendingSelect === view.id || !state.selectedId) hooks.select(view.id);
  }
  failClosedOutbox(c);
  sync(c);
  changed('list', 'conv', 'header');
}

/**
 * socket.io does not reconnect by itself after the server refused the handshake (a middleware
 * error) or disconnected the socket: retry with backoff and jitter. A token that is no longer
 * valid then answers "unauthorized", which ends the session.
 */
function retryLater() {
  clearTimeout(retryTimer);
  const s = socket;
  retryTimer = setTimeout(() => s === socket && !s.connected && !s.active && s.connect(), retryDelay * (1 + Math.random() / 3));
  retryDelay = Math.min(retryDelay * 2, 30000);
}

export function disconnect() {
  clearTimeout(retryTimer);
  socket?.disconnect();
  socket = null;
}

export const connected = () => !!socket?.connected;

/** Emits with an ack; never rejects: { ok:false, error } on timeout or when offline. */
export function call(event, payload = {}, timeoutMs = 10000) {
  return new Promise((resolve) => {
    if (!socket?.connected) return resolve({ ok: false, error: 'not connected', offline: true });
    socket.timeout(timeoutMs).emit(event, payload, (err, result) => {
      if (err) resolve({ ok: false, error: 'no answer from the server', offline: true });
      else resolve(result && typeof result === 'object' ? result : { ok: false, error: 'bad answer' });
    });
  });
}

/** Fetches everything after the last contiguous cursor, then lets the outbox go. */
export async function sync(c) {
  if (!connected() || c.syncedGen === gen || c.syncingGen === gen) return;
  const myGen = (c.syncingGen = gen);
  const first = c.syncedCursor ?? null;
  let after = first;
  let res;
  // A server may answer in pages (`more: true`, or a full page of SYNC_PAGE): ask again from there.
  do {
    res = await call('conversation:sync', { conversationId: c.id, after }, 15000);
    if (!res.ok) break;
    const list = res.messages ?? [];
    mergeMessages(c, list, { countUnread: first !== null });
    if (!list.length) break;
    after = list[list.length - 1].cursor;
  } while ((res.more || res.messages.length >= SYNC_PAGE) && myGen === gen);
  if (c.syncingGen === myGen) c.syncingGen = -1;
  if (!res.ok) {
    if (myGen === gen && connected()) {
      status(`Could not load the conversation (${res.error}); retrying…`, true);
      setTimeout(() => sync(c), 3000);
    }
    return;
  }
  if (myGen !== gen) return;
  c.syncedCursor = c.lastCursor;
  c.syncedGen = gen;
  markRead(c);
  flushOutbox();
}

function failClosedOutbox(c) {
  if (!isClosed(c)) return;
  for (const i of state.outbox) {
    if (i.conversationId === c.id && i.state !== 'sending') Object.assign(i, { state: 'failed', error: 'conversation closed' });
  }
  saveOutbox();
}

/**
 * Sends queued outbox entries one at a time (order matters), each with its stable clientId, and
 * only for conversations resynced on this connection so an entry the server already has is
 * matched by clientId first instead of being sent again.
 */
export async function flushOutbox() {
  if (flushing) return;
  flushing = true;
  try {
    for (;;) {
      const item = state.outbox.find((i) => i.state === 'queued' && state.convs.get(i.conversationId)?.syncedGen === gen);
      if (!item || !connected()) break;
      item.state = 'sending';
      changed('conv');
      const payload = { conversationId: item.conversationId, clientId: item.clientId, text: item.text };
      const res = await call(item.note ? 'note:add' : 'message:send', payload);
      if (!state.outbox.includes(item)) continue; // settled meanwhile by the message event
      if (res.ok) {
        removeOutbox(item.clientId);
        if (res.message) mergeMessages(conv(item.conversationId), [res.message], { countUnread: false });
      } else if (res.offline) {
        item.state = 'queued';
        if (connected()) {
          setTimeout(flushOutbox, 3000);
          break;
        }
      } else {
        Object.assign(item, { state: 'failed', error: res.error });
        status(`Message not sent: ${res.error}`, true);
      }
      saveOutbox();
      changed('conv', 'header');
    }
  } finally {
    flushing = false;
  }
}

/** Tells the server what the agent has seen, only while the conversation is on screen. */
export function markRead(c) {
  if (!c?.lastCursor || !isViewing(c)) return;
  if (c.unread) {
    c.unread = 0;
    changed('list', 'header');
  }
  if (!connected() || cmpCursor(c.lastCursor, c.readSent) <= 0) return;
  c.readSent = c.lastCursor;
  call('message:read', { conversationId: c.id, cursor: c.lastCursor });
}

/** Again on every connect: a change an admin made while this console was away arrives this way. */
async function loadLists() {
  const [canned, dispositions] = await Promise.all([call('canned:list'), call('dispositions:list')]);
  if (canned.ok) state.canned = canned.items ?? [];
  if (dispositions.ok) state.dispositions = dispositions.items ?? [];
  changed('canned');
}

export function setTyping(conversationId, typing) {
  call('typing', { conversationId, typing }, 5000);
}
