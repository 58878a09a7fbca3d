// Transfer and Close dialogs. Native <dialog>: modal focus trap, Esc closes.
import { state, changed, selected, canManage } from './state.js';
import { call } from './socket.js';
import { el, $ } from './util.js';
import { status } from './status.js';

export function initDialogs() {
  for (const d of document.querySelectorAll('dialog')) {
    d.querySelector('[data-cancel]').addEventListener('click', () => d.close());
    d.addEventListener('close', () => $('#composer')?.focus());
  }
  $('#transfer-button').addEventListener('click', openTransfer);
  $('#close-button').addEventListener('click', openClose);
  $('#transfer-form').addEventListener('submit', submitTransfer);
  $('#close-form').addEventListener('submit', submitClose);
  $('#close-disposition').addEventListener('change', (e) => ($('#close-comment').disabled = e.target.value !== 'other'));
}

function showError(id, text) {
  const p = $(id);
  p.hidden = !text;
  p.textContent = text ?? '';
}

/**
 * Only agents who can take the chat now: available with a live connection (the server reports the
 * others offline or away, and refuses them). Those at their chat limit show, but cannot be chosen.
 * Called on every `agents` event too, so the list stays current while the dialog is open.
 */
export function fillAgents() {
  const select = $('#transfer-agent');
  const keep = select.value;
  const others = state.agents.filter((a) => a.id !== state.me?.id && a.status === 'available');
  const full = (a) => a.maxChats && a.activeChats >= a.maxChats;
  // A team's queue can always take a chat: its members see it there (or routing assigns it).
  const teams = (state.transferTeams ?? []).filter((t) => t.id !== selected()?.teamId);
  select.replaceChildren(
    el('option', { value: '' }, teams.length ? 'Choose an agent or a team…' : others.length ? 'Choose an agent…' : 'No other agent is available'),
    ...others.map((a) => el('option', { value: a.id, disabled: full(a) }, `${a.name} — ${a.activeChats}/${a.maxChats} chats${full(a) ? ' (full)' : ''}`)),
    ...(teams.length ? [el('optgroup', { label: 'Teams' }, ...teams.map((t) => el('option', { value: `team:${t.id}` }, `${t.name} (team queue)`)))] : []),
  );
  select.value = others.some((a) => a.id === keep && !full(a)) || teams.some((t) => `team:${t.id}` === keep) ? keep : '';
  // A list box: who can take the chat shows at a glance, without opening a menu.
  select.size = Math.min(others.length + teams.length + 2, 10);
}

async function openTransfer() {
  const c = selected();
  if (!c || !canManage(c)) return;
  showError('#transfer-error', null);
  $('#transfer-note').value = '';
  fillAgents();
  $('#transfer-dialog').showModal();
  const res = await call('agents:list');
  if (res.ok) {
    state.agents = res.items ?? [];
    state.transferTeams = res.teams ?? [];
    fillAgents();
  } else showError('#transfer-error', `Could not load agents: ${res.error}`);
}

async function submitTransfer(e) {
  e.preventDefault();
  const c = selected();
  const choice = $('#transfer-agent').value;
  if (!c || !choice) return showError('#transfer-error', 'Choose an agent or a team.');
  const toTeamId = choice.startsWith('team:') ? choice.slice('team:'.length) : undefined;
  const toAgentId = toTeamId ? undefined : choice;
  const btn = $('#transfer-confirm');
  btn.disabled = true;
  const note = $('#transfer-note').value.trim();
  const res = await call('conversation:transfer', toTeamId ? { conversationId: c.id, toTeamId, note } : { conversationId: c.id, toAgentId, note });
  btn.disabled = false;
  if (!res.ok) return showError('#transfer-error', `Transfer failed: ${res.error}`);
  $('#transfer-dialog').close();
  const to = toTeamId ? state.transferTeams.find((t) => t.id === toTeamId) : state.agents.find((a) => a.id === toAgentId);
  status(`Transferred to ${to?.name ?? (toTeamId ? 'the team' : 'the agent')}.`);
}

/** The admins' list as the server last sent it; "other" asks for the agent's own words. */
function fillDispositions() {
  const options = (state.dispositions ?? []).map((d) => el('option', { value: d.code }, d.label));
  $('#close-disposition').replaceChildren(el('option', { value: '' }, 'No outcome'), ...options);
}

function openClose() {
  const c = selected();
  if (!c || !canManage(c)) return;
  showError('#close-error', null);
  fillDispositions();
  $('#close-disposition').value = '';
  $('#close-comment').value = '';
  $('#close-comment').disabled = true;
  $('#close-dialog').showModal();
}

async function submitClose(e) {
  e.preventDefault();
  const c = selected();
  if (!c) return;
  // One string: a code from the list, or for "Other" the agent's own words (stored as "other: …").
  const code = $('#close-disposition').value;
  const disposition = code === 'other' ? $('#close-comment').value.trim() || 'other' : code || null;
  const btn = $('#close-confirm');
  btn.disabled = true;
  const res = await call('conversation:close', { conversationId: c.id, disposition });
  btn.disabled = false;
  if (!res.ok) return showError('#close-error', `Could not close: ${res.error}`);
  $('#close-dialog').close();
  // conversation:closed normally follows; mark it now so the composer locks at once.
  c.closedReason ??= 'agent_closed';
  c.disposition ??= code === 'other' ? (disposition === 'other' ? 'other' : `other: ${disposition}`) : disposition;
  if (c.view) c.view = { ...c.view, state: 'closed' };
  changed('conv', 'list', 'header');
}
