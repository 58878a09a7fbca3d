// Agents: the list, add (password or set-password link), edit, deactivate / reactivate, reset password.
import { api, me, showError, confirmAction, showLink } from './admin-api.js';
import { el, $, reconcile } from './util.js';
import { status } from './status.js';

const ROLES = { agent: 'Agent', supervisor: 'Supervisor', admin: 'Admin' };
let agents = [];
let editing = null; // the agent being edited, or null when adding

export function initAgents() {
  $('#agent-add').addEventListener('click', () => openDialog(null));
  $('#agent-form').addEventListener('submit', save);
  for (const radio of document.querySelectorAll('input[name="access"]')) {
    radio.addEventListener('change', () => {
      const byPassword = accessMode() === 'password';
      $('#agent-password').disabled = !byPassword;
      if (byPassword) $('#agent-password').focus();
    });
  }
}

const accessMode = () => document.querySelector('input[name="access"]:checked').value;

export async function loadAgents() {
  const res = await api('GET', '/agents');
  if (!res.ok) return status(`Could not load the agents: ${res.error}`, true);
  agents = res.data.items;
  render();
}

function statusText(a) {
  if (!a.active) return 'Deactivated';
  if (a.invitePending) return `Invited (link valid until ${new Date(a.inviteExpiresAt).toLocaleDateString()})`;
  return 'Active';
}

function render() {
  reconcile($('#agents'), agents, (a) => a.id, (a) => {
    const tr = el('tr', { dataset: { testid: 'agent-row', agentId: a.id } });
    tr._name = el('td', { class: 'strong' });
    tr._email = el('td');
    tr._role = el('td');
    tr._max = el('td', { class: 'num' });
    tr._status = el('td', { dataset: { testid: 'agent-status' } });
    tr._edit = el('button', { type: 'button', dataset: { testid: 'agent-edit' }, onclick: () => openDialog(tr._agent) }, 'Edit');
    tr._reset = el('button', { type: 'button', dataset: { testid: 'agent-reset' }, onclick: () => resetPassword(tr._agent) }, 'Reset password');
    tr._toggle = el('button', { type: 'button', dataset: { testid: 'agent-toggle' }, onclick: () => toggle(tr._agent) });
    tr.append(tr._name, tr._email, tr._role, tr._max, tr._status, el('td', { class: 'row-actions' }, tr._edit, tr._reset, tr._toggle));
    return tr;
  }, (tr, a) => {
    tr._agent = a;
    tr.classList.toggle('inactive', !a.active);
    tr._name.textContent = a.id === me?.id ? `${a.name} (you)` : a.name;
    tr._email.textContent = a.email;
    tr._role.replaceChildren(el('span', { class: `tag role-${a.role}` }, ROLES[a.role] ?? a.role));
    tr._max.textContent = String(a.maxChats);
    tr._status.textContent = statusText(a);
    tr._reset.disabled = !a.active;
    tr._toggle.textContent = a.active ? 'Deactivate' : 'Reactivate';
    tr._toggle.className = a.active ? 'danger-text' : '';
    for (const b of [tr._edit, tr._reset, tr._toggle]) b.setAttribute('aria-label', `${b.textContent}: ${a.name}`);
  });
}

/** The active teams as checkboxes, this agent's ticked; none at all: the fieldset stays hidden. */
async function fillTeams(agent) {
  const res = await api('GET', '/teams');
  const teams = res.ok ? res.data.items.filter((t) => t.active) : [];
  $('#agent-teams').replaceChildren(...teams.map((t) => el('label', { class: 'check' },
    el('input', { type: 'checkbox', value: t.id, checked: (agent?.teams ?? []).includes(t.id), dataset: { testid: 'agent-team', team: t.name } }), ` ${t.name}`)));
  $('#agent-teams-field').hidden = teams.length === 0;
}

function openDialog(agent) {
  editing = agent;
  $('#agent-teams').replaceChildren();
  $('#agent-teams-field').hidden = true;
  fillTeams(agent);
  $('#agent-dialog-title').textContent = agent ? `Edit ${agent.name}` : 'Add agent';
  $('#agent-save').textContent = agent ? 'Save' : 'Add agent';
  $('#agent-email').value = agent?.email ?? '';
  $('#agent-email').disabled = !!agent;
  $('#agent-name').value = agent?.name ?? '';
  $('#agent-role').value = agent?.role ?? 'agent';
  $('#agent-max').value = String(agent?.maxChats ?? 3);
  $('#agent-access').hidden = !!agent;
  document.querySelector('input[name="access"][value="invite"]').checked = true;
  $('#agent-password').value = '';
  $('#agent-password').disabled = true;
  showError('#agent-error', null);
  $('#agent-dialog').showModal();
  (agent ? $('#agent-name') : $('#agent-email')).focus();
}

/** Checked here for a quick answer; the server checks the same and has the last word. */
function readForm() {
  const email = $('#agent-email').value.trim();
  const name = $('#agent-name').value.trim();
  const maxChats = Number($('#agent-max').value);
  if (!editing && !/^[^@\s]+@[^@\s]+$/.test(email)) return { error: 'Enter the email address they sign in with.' };
  if (!name) return { error: 'Enter a display name: it is the name customers see.' };
  if (!Number.isInteger(maxChats) || maxChats < 1 || maxChats > 50) return { error: 'Max chats must be a whole number from 1 to 50.' };
  const body = { name, role: $('#agent-role').value, maxChats };
  if (!$('#agent-teams-field').hidden) body.teams = [...document.querySelectorAll('#agent-teams input:checked')].map((box) => box.value);
  if (editing) return { body };
  if (accessMode() === 'password') {
    const password = $('#agent-password').value;
    if (password.length < 8) return { error: 'The password needs at least 8 characters.' };
    return { body: { email, ...body, password } };
  }
  return { body: { email, ...body } };
}

async function save(e) {
  e.preventDefault();
  const { body, error } = readForm();
  if (error) return showError('#agent-error', error);
  const button = $('#agent-save');
  button.disabled = true;
  const res = editing ? await api('PATCH', `/agents/${editing.id}`, body) : await api('POST', '/agents', body);
  button.disabled = false;
  if (!res.ok) return showError('#agent-error', res.error);
  $('#agent-password').value = '';
  $('#agent-dialog').close();
  await loadAgents();
  const agent = res.data.agent;
  if (res.data.invite) showLink(agent, res.data.invite, `${agent.name} is added.`);
  else status(editing ? `${agent.name} is saved. Their console reconnects to pick up the change.` : `${agent.name} is added and can sign in with the password you chose.`);
}

async function toggle(agent) {
  if (!agent.active) {
    const res = await api('POST', `/agents/${agent.id}/reactivate`);
    if (!res.ok) return status(`Could not reactivate ${agent.name}: ${res.error}`, true);
    status(`${agent.name} is active again and can sign in.`);
    return loadAgents();
  }
  let requeued = 0;
  const done = await confirmAction({
    title: `Deactivate ${agent.name}?`,
    text: `${agent.name} is signed out at once and cannot sign in until reactivated. Their open conversations go back to the queue.`,
    ok: 'Deactivate',
    action: async () => {
      const res = await api('POST', `/agents/${agent.id}/deactivate`);
      if (!res.ok) return res.error;
      requeued = res.data.requeued;
      return null;
    },
  });
  if (!done) return;
  status(`${agent.name} is deactivated; ${requeued} conversation(s) went back to the queue.`);
  await loadAgents();
}

async function resetPassword(agent) {
  let invite = null;
  const done = await confirmAction({
    title: `Reset the password of ${agent.name}?`,
    text: `Their current password stops working and they are signed out. You get a link for them to set a new one.`,
    ok: 'Reset password',
    action: async () => {
      const res = await api('POST', `/agents/${agent.id}/reset-password`);
      if (!res.ok) return res.error;
      invite = res.data.invite;
      return null;
    },
  });
  if (!done || !invite) return;
  await loadAgents();
  showLink(agent, invite, `The password of ${agent.name} is reset.`);
}
