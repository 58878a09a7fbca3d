// Entry point: sign-in, session lifetime, header controls and keyboard shortcuts.
import {
  state, onRender, changed, loadSession, saveSession, clearSession, loadOutbox, dropOutbox, saveOutbox,
  takeNotice, leaveNotice, pendingOutboxCount, selected, listed, isClosed, isGone, removeOutbox,
} from './state.js';
import { connect, disconnect, call, markRead, flushOutbox, applyConversation } from './socket.js';
import { render, setActions, tick } from './render.js';
import { initComposer, toggleNote, setNote, stopTyping, closeCanned, cannedOpen, fillComposer } from './composer.js';
import { initDialogs, fillAgents } from './dialogs.js';
import { loadContext, renderContext } from './context.js';
import { $, fmtTime } from './util.js';
import { status } from './status.js';

let leaving = false;
let warned = false;

const session = loadSession();
// The ops pages send a browser here to sign in (?next=/ops...); only their own paths are followed.
const next = new URLSearchParams(location.search).get('next');
const opsNext = next && /^\/(ops|metrics)([/?#]|$)/.test(next) ? next : null;
if (session && Date.parse(session.expiresAt) > Date.now() + 5000 && opsNext) openOps(session);
else if (session && Date.parse(session.expiresAt) > Date.now() + 5000 && typeof io !== 'undefined') startConsole(session);
else {
  clearSession();
  showSignIn(takeNotice());
}

// ---- sign-in
function showSignIn(notice) {
  $('#console').hidden = true;
  $('#signin').hidden = false;
  const unsent = pendingOutboxCount();
  const text = [notice, unsent && `${unsent} unsent message(s) will be sent when you sign in again with the same account.`].filter(Boolean).join(' ');
  $('#signin-notice').hidden = !text;
  $('#signin-notice').textContent = text;
  if (typeof io === 'undefined') signInError('The live connection script did not load. Reload the page.');
  $('#signin-form').addEventListener('submit', signIn);
  $('#signin-email').focus();
}

function signInError(text) {
  $('#signin-error').hidden = !text;
  $('#signin-error').textContent = text ?? '';
}

async function signIn(e) {
  e.preventDefault();
  const email = $('#signin-email').value.trim();
  const password = $('#signin-password').value;
  if (!email || !password) return signInError('Enter your email and password.');
  if (typeof io === 'undefined') return signInError('The live connection script did not load. Reload the page.');
  // Asked here because it needs a click; used only to say that a chat is waiting while the tab is hidden.
  if (globalThis.Notification?.permission === 'default') Notification.requestPermission()?.catch(() => {});
  const btn = $('#signin-submit');
  btn.disabled = true;
  signInError(null);
  try {
    const res = await fetch('api/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    const body = await res.json().catch(() => null);
    if (res.ok && body?.token) {
      $('#signin-password').value = '';
      saveSession(body);
      return opsNext ? openOps(body) : startConsole(body);
    }
    signInError(body?.errors?.[0]?.msg ?? (res.status === 401 ? 'Wrong email or password.' : `Sign-in failed (HTTP ${res.status}).`));
  } catch {
    signInError('Cannot reach the server. Check the connection and try again.');
  } finally {
    btn.disabled = false;
  }
}

/** Token gone or expired: back to the sign-in form. Only the unsent outbox is kept (same agent). */
function endSession(notice) {
  leaving = true;
  disconnect();
  saveOutbox();
  clearSession();
  leaveNotice(notice);
  location.reload();
}

function signOut() {
  const unsent = state.outbox.length;
  if (unsent && !confirm(`${unsent} message(s) are not sent yet. Sign out and discard them?`)) return;
  leaving = true;
  stopTyping();
  disconnect();
  dropOutbox();
  clearSession();
  // The ops pages' copy of the session ends with it.
  fetch('../ops/api/session', { method: 'DELETE' }).catch(() => {}).finally(() => location.reload());
}

/** Hands the session to the ops pages (an HttpOnly cookie they read), then goes back there. */
async function openOps(s) {
  if (s.agent.role === 'agent') return startConsole(s, 'The ops pages are for supervisors and admins.');
  const res = await fetch('../ops/api/session', { method: 'POST', headers: { authorization: `Bearer ${s.token}` } }).catch(() => null);
  if (res?.ok) return location.replace(opsNext);
  startConsole(s, `Could not open the ops pages (${res ? `HTTP ${res.status}` : 'no connection'}).`);
}

// ---- the console
function startConsole(s, notice) {
  if (notice) status(notice, true);
  state.me = s.agent;
  state.expiresAt = s.expiresAt;
  state.outbox = loadOutbox(s.agent.id);
  $('#signin').hidden = true;
  $('#console').hidden = false;
  $('#admin-link').hidden = s.agent.role !== 'admin';
  $('#board-link').hidden = s.agent.role === 'agent';
  $('#reports-link').hidden = s.agent.role !== 'admin' && s.agent.role !== 'supervisor';
  onRender((parts) => {
    render(parts);
    if (parts.has('context') || parts.has('conv') || parts.has('list')) renderContext();
    if (parts.has('agents')) fillAgents();
  });
  setActions({ accept, select, retry, edit: (id, text) => (id ? editOutbox(id) : fillComposer(text)) });
  initComposer();
  initDialogs();
  wire();
  connect(s.token, {
    unauthorized: () => endSession('Your session has ended. Please sign in again.'),
    newConversation: notifyNew,
    select,
  });
  setInterval(everySecond, 1000);
  changed('header', 'queue', 'list', 'conv');
}

function everySecond() {
  tick();
  const left = Date.parse(state.expiresAt) - Date.now();
  if (left <= 0) return endSession('Your session expired. Please sign in again.');
  if (left < 5 * 60000 && !warned) {
    warned = true;
    $('#expiry').textContent = `Session ends ${fmtTime(state.expiresAt)}`;
    status(`Your session ends at ${fmtTime(state.expiresAt)}; you will need to sign in again.`);
  }
}

function wire() {
  $('#signout').addEventListener('click', signOut);
  $('#presence').addEventListener('change', async (e) => {
    const want = e.target.value;
    const res = await call('presence:set', { status: want });
    if (res.ok) state.status = want;
    else status(`Could not change status: ${res.error}`, true);
    changed('header');
  });
  $('#dismiss').addEventListener('click', dismiss);
  const box = $('#transcript');
  $('#jump').addEventListener('click', () => {
    box.scrollTop = box.scrollHeight;
    $('#jump').hidden = true;
  });
  box.addEventListener('scroll', () => {
    if (box.scrollHeight - box.scrollTop - box.clientHeight < 60) $('#jump').hidden = true;
  });
  const seen = () => {
    markRead(selected());
    changed('list');
  };
  window.addEventListener('focus', seen);
  document.addEventListener('visibilitychange', seen);
  window.addEventListener('beforeunload', (e) => {
    if (!leaving && state.outbox.length) e.preventDefault();
  });
  document.addEventListener('keydown', onKey);
}

function onKey(e) {
  if (document.querySelector('dialog[open]')) return;
  const arrow = e.key === 'ArrowUp' || e.key === 'ArrowDown';
  if (arrow && !e.metaKey && !e.shiftKey && (e.altKey || e.ctrlKey)) {
    e.preventDefault();
    move(e.key === 'ArrowDown' ? 1 : -1);
  } else if (e.altKey && !e.ctrlKey && e.code === 'KeyA') {
    e.preventDefault();
    if (state.queue[0]) accept(state.queue[0].conversationId);
    else status('Nobody is waiting.');
  } else if (e.code === 'KeyN' && ((e.altKey && !e.ctrlKey) || (e.ctrlKey && e.shiftKey))) {
    // Ctrl+Shift+N is kept by Chromium for a new incognito window in a normal tab; Alt+N always works.
    e.preventDefault();
    toggleNote();
  } else if (e.key === 'Escape' && !cannedOpen() && selected()?.note) {
    setNote(false);
  }
}

// ---- actions
async function accept(id) {
  const btn = document.querySelector(`[data-testid="queue-item"][data-conversation-id="${CSS.escape(id)}"] button`);
  if (btn) btn.disabled = true;
  state.pendingSelect = id;
  const res = await call('queue:accept', { conversationId: id });
  if (btn) btn.disabled = false;
  if (res.ok) {
    // The server may answer with the view (faster than waiting for the `conversation` event).
    if (res.conversation?.id === id) applyConversation(res.conversation);
    if (state.convs.get(id)?.view) select(id);
    return;
  }
  state.pendingSelect = null;
  if (res.error === 'taken') {
    state.queue = state.queue.filter((q) => q.conversationId !== id);
    changed('queue', 'header');
    status('Taken by another agent.');
  } else status(`Could not accept: ${res.error}`, true);
}

function select(id) {
  state.pendingSelect = null;
  if (state.selectedId !== id) {
    stopTyping();
    closeCanned();
    state.selectedId = id;
    $('#jump').hidden = true;
    changed('list', 'conv');
    loadContext(selected());
  } else if (!selected()?.ctx) loadContext(selected());
  requestAnimationFrame(() => {
    markRead(selected());
    if (!document.querySelector('dialog[open]')) $('#composer').focus();
  });
}

function move(delta) {
  const items = listed();
  if (!items.length) return;
  const i = items.findIndex((c) => c.id === state.selectedId);
  const next = i < 0 ? (delta > 0 ? 0 : items.length - 1) : (i + delta + items.length) % items.length;
  select(items[next].id);
}

function dismiss() {
  const c = selected();
  if (!c || !(isClosed(c) || isGone(c))) return;
  for (const o of state.outbox.filter((i) => i.conversationId === c.id)) removeOutbox(o.clientId);
  state.convs.delete(c.id);
  const next = listed().find((x) => !isClosed(x) && !isGone(x));
  state.selectedId = null;
  if (next) select(next.id);
  changed('list', 'conv', 'header');
}

function retry(clientId) {
  const item = state.outbox.find((i) => i.clientId === clientId);
  if (!item) return;
  Object.assign(item, { state: 'queued', error: null });
  saveOutbox();
  changed('conv');
  flushOutbox();
}

function editOutbox(clientId) {
  const item = state.outbox.find((i) => i.clientId === clientId);
  if (!item) return;
  removeOutbox(clientId);
  fillComposer(item.text);
}

function notifyNew(view, fresh) {
  const who = view ? view.userName || `Visitor ${view.visitorKey}` : null;
  if (view && state.selectedId && state.selectedId !== view.id) status(`New conversation: ${who}`);
  // No user text in system notifications: they show on the lock screen.
  if (document.hidden && globalThis.Notification?.permission === 'granted') {
    new Notification('Agent console', { body: view ? 'A conversation was assigned to you.' : `${fresh.length} new conversation(s) waiting.`, tag: 'agent-console' });
  }
}
