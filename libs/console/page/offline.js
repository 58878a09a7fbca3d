// Messages left for a closed team: the signed-in agent's teams (every team for supervisors and admins).
// Live: the server pushes each change (`offline`) on the console socket, and the list is fetched again.
import { loadSession } from './state.js';
import { el, $, fmtFull } from './util.js';
import { status } from './status.js';

const session = loadSession();
const token = session && Date.parse(session.expiresAt) > Date.now() ? session.token : null;
let loads = 0;

if (!token) gate();
else {
  $('#me').textContent = `Signed in as ${session.agent.name}`;
  $('#offline-handled').addEventListener('change', load);
  load();
  listen();
}

/** A socket of its own (view "offline": no seat, no presence); each (re)connect reloads what it may have missed. */
function listen() {
  if (typeof io === 'undefined') return status('The live connection script did not load: reload the page to see new messages.', true);
  const prefix = location.pathname.replace(/\/console(\/.*)?$/, '');
  const socket = io('/console', { auth: { token, view: 'offline' }, transports: ['websocket'], path: `${prefix}/socket.io` });
  socket.on('connect', () => { $('#offline').dataset.live = 'true'; load(); });
  socket.on('disconnect', () => { $('#offline').dataset.live = 'false'; });
  socket.on('offline', load);
  socket.on('connect_error', (err) => {
    if (err?.message === 'unauthorized') gate();
  });
}

function gate() {
  const box = $('#gate');
  box.replaceChildren('Sign in on the console first. ', el('a', { href: './' }, 'Go to the console sign-in'));
  box.hidden = false;
}

async function call(method, path) {
  try {
    const res = await fetch(`api/offline${path}`, { method, headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
    if (res.status === 401) gate();
    const data = await res.json().catch(() => null);
    return { ok: res.ok, data, error: data?.errors?.[0]?.msg ?? `The server answered HTTP ${res.status}.` };
  } catch {
    return { ok: false, data: null, error: 'Cannot reach the server. Check the connection and try again.' };
  }
}

async function load() {
  const handled = $('#offline-handled').checked;
  // Pushes can come close together: only the latest answer is shown.
  const seq = ++loads;
  const res = await call('GET', `?handled=${handled}`);
  if (seq !== loads) return;
  if (!res.ok) return status(`Could not load the offline messages: ${res.error}`, true);
  const list = $('#offline');
  list.replaceChildren(...res.data.items.map(item));
  $('#offline-empty').hidden = res.data.items.length > 0;
}

function item(c) {
  const who = c.userName ?? c.visitorKey;
  const head = el('div', { class: 'offline-head' },
    el('strong', {}, who),
    el('span', { class: 'tag' }, c.teamName ?? 'No team'),
    el('span', { class: 'muted' }, `left ${fmtFull(c.leftAt)}`));
  const lines = el('ol', { class: 'offline-lines' }, ...c.messages.map((m) => el('li', {}, el('span', { class: 'muted' }, fmtFull(m.at)), ' ', el('span', { class: 'long' }, m.text))));
  const foot = c.handledAt
    ? el('p', { class: 'muted', dataset: { testid: 'offline-handled-by' } }, `Handled by ${c.handledBy} on ${fmtFull(c.handledAt)}`)
    : el('button', { type: 'button', class: 'primary', dataset: { testid: 'offline-mark' }, 'aria-label': `Mark ${who}'s message handled`, onclick: (e) => mark(c, e.target) }, 'Mark handled');
  return el('li', { class: 'offline-item', dataset: { testid: 'offline-item', id: c.id } }, head, el('p', { class: 'muted mono' }, `${c.botId} · ${c.visitorKey}`), lines, foot);
}

async function mark(c, button) {
  button.disabled = true;
  const res = await call('POST', `/${c.id}/handled`);
  button.disabled = false;
  if (!res.ok) return status(`Could not mark it handled: ${res.error}`, true);
  status(`${c.userName ?? c.visitorKey}'s message is marked handled.`);
  await load();
}
