// The header's link to the offline messages, with how many wait for the agent's teams. Counted again
// when the server pushes a change (`offline`, relayed by socket.js) and after each (re)connect.
import { loadSession } from './state.js';

const link = document.getElementById('offline-link');

async function refresh() {
  const session = loadSession();
  if (!link || !session || Date.parse(session.expiresAt) <= Date.now()) return;
  try {
    const res = await fetch('api/offline', { headers: { authorization: `Bearer ${session.token}`, accept: 'application/json' } });
    if (!res.ok) return;
    const { items } = await res.json();
    link.textContent = items.length ? `Offline messages (${items.length}) ↗` : 'Offline messages ↗';
    link.classList.toggle('has-offline', items.length > 0);
  } catch {
    // Offline or signed out: the link stays as it was.
  }
}

refresh();
window.addEventListener('console:offline', refresh);
// Right after signing in, not half a minute later.
window.addEventListener('storage', refresh);
document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && refresh());
document.getElementById('signin-form')?.addEventListener('submit', () => setTimeout(refresh, 1500));
