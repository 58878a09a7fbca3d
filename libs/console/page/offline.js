// Messages left for a closed team: the signed-in agent's teams (every team for supervisors and admins).
import { loadSession } from './state.js';
import { el, $, fmtFull } from './util.js';
import { status } from './status.js';

const session = loadSession();
const token = session && Date.parse(session.expiresAt) > Date.now() ? session.token : null;

if (!token) gate();
else {
  $('#me').textContent = `Signed in as ${session.agent.name}`;
  $('#offline-handled').addEventListener('change', load);
  load();
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
  const res = await call('GET', `?handled=${handled}`);
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
