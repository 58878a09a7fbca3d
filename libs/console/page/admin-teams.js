// Teams (name, members, overflow, fallback, LiveChat group, active) and the ordered routing rules.
import { api } from './admin-api.js';
import { el, $ } from './util.js';
import { status } from './status.js';

let teams = [];
let agents = [];
let rules = [];

export function initTeams() {
  $('#team-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const res = await api('POST', '/teams', { name: $('#team-name').value.trim() });
    if (!res.ok) return status(`Could not add the team: ${res.error}`, true);
    $('#team-name').value = '';
    status(`Team ${res.data.item.name} added.`);
    await loadTeams();
  });
  $('#rule-add').addEventListener('click', () => {
    rules.push({ botId: null, trigger: null, contextPath: '', contextValue: '', teamId: teams[0]?.id ?? null });
    renderRules();
  });
  $('#rules-save').addEventListener('click', saveRules);
}

export async function loadTeams() {
  const [t, a, r] = await Promise.all([api('GET', '/teams'), api('GET', '/agents'), api('GET', '/routing-rules')]);
  if (!t.ok || !a.ok || !r.ok) return status(`Could not load teams: ${(t.ok ? a.ok ? r : a : t).error}`, true);
  teams = t.data.items;
  agents = a.data.items.filter((x) => x.active);
  rules = r.data.items;
  renderTeams();
  renderRules();
}

async function change(team, body, done) {
  const res = await api('PATCH', `/teams/${team.id}`, body);
  if (!res.ok) return status(`Could not change ${team.name}: ${res.error}`, true);
  status(done);
  await loadTeams();
}

function renderTeams() {
  $('#teams').replaceChildren(...teams.map((team) => {
    const members = el('td', { class: 'members' }, ...agents.map((agent) => {
      const box = el('input', { type: 'checkbox', checked: team.members.includes(agent.id), dataset: { testid: 'team-member', agent: agent.name } });
      box.addEventListener('change', async () => {
        const ids = box.checked ? [...team.members, agent.id] : team.members.filter((id) => id !== agent.id);
        const res = await api('PUT', `/teams/${team.id}/members`, { agentIds: ids });
        if (!res.ok) return status(`Could not change the members: ${res.error}`, true);
        team.members = res.data.item.members;
        status(`${team.name}: members saved.`);
      });
      return el('label', { class: 'check' }, box, ` ${agent.name}`);
    }));
    const overflow = el('input', { type: 'number', min: '1', value: team.overflowSeconds ?? '', 'aria-label': `Overflow of ${team.name}`, dataset: { testid: 'team-overflow' } });
    const fallback = el('select', { 'aria-label': `Fallback of ${team.name}`, dataset: { testid: 'team-fallback' } },
      el('option', { value: '' }, 'None'),
      ...teams.filter((x) => x.id !== team.id).map((x) => el('option', { value: x.id, selected: x.id === team.fallbackTeamId }, x.name)));
    const group = el('input', { value: team.deskGroups.livechat ?? '', size: '6', 'aria-label': `LiveChat group of ${team.name}`, dataset: { testid: 'team-livechat-group' } });
    const save = el('button', { type: 'button', dataset: { testid: 'team-save' } }, 'Save');
    save.addEventListener('click', () => change(team, {
      overflowSeconds: overflow.value === '' ? null : Number(overflow.value),
      fallbackTeamId: fallback.value || null,
      deskGroups: { ...team.deskGroups, livechat: group.value.trim() || null },
    }, `${team.name} saved.`));
    const rename = el('button', { type: 'button', dataset: { testid: 'team-rename' } }, 'Rename');
    rename.addEventListener('click', () => {
      const name = prompt(`New name for ${team.name}`, team.name);
      if (name && name.trim()) change(team, { name: name.trim() }, `Renamed to ${name.trim()}.`);
    });
    const toggle = el('button', { type: 'button', class: team.active ? 'danger-text' : '', dataset: { testid: 'team-toggle' } }, team.active ? 'Deactivate' : 'Reactivate');
    toggle.addEventListener('click', () => change(team, { active: !team.active }, `${team.name} ${team.active ? 'deactivated' : 'reactivated'}.`));
    return el('tr', { dataset: { testid: 'team-row', name: team.name } },
      el('td', { class: 'strong' }, team.name), members, el('td', {}, overflow), el('td', {}, fallback), el('td', {}, group),
      el('td', {}, team.active ? 'Yes' : 'No'), el('td', { class: 'actions' }, save, rename, toggle));
  }));
}

function renderRules() {
  $('#rules').replaceChildren(...rules.map((rule, i) => {
    const input = (key, label) => {
      const node = el('input', { value: rule[key] ?? '', 'aria-label': label, dataset: { testid: `rule-${key}` } });
      node.addEventListener('input', () => { rule[key] = node.value; });
      return node;
    };
    const trigger = el('select', { 'aria-label': 'Reason', dataset: { testid: 'rule-trigger' } },
      ...[['', 'Any'], ['agent_transfer', 'Transfer node'], ['tone', 'Tone'], ['keyword', 'Keyword']].map(([v, t]) => el('option', { value: v, selected: (rule.trigger ?? '') === v }, t)));
    trigger.addEventListener('change', () => { rule.trigger = trigger.value || null; });
    const team = el('select', { 'aria-label': 'Team', dataset: { testid: 'rule-team' } },
      ...teams.filter((t) => t.active || t.id === rule.teamId).map((t) => el('option', { value: t.id, selected: t.id === rule.teamId }, t.name)));
    team.addEventListener('change', () => { rule.teamId = team.value; });
    const remove = el('button', { type: 'button', class: 'danger-text', dataset: { testid: 'rule-remove' } }, 'Remove');
    remove.addEventListener('click', () => { rules.splice(i, 1); renderRules(); });
    const up = el('button', { type: 'button', disabled: i === 0, 'aria-label': 'Move up' }, '↑');
    up.addEventListener('click', () => { [rules[i - 1], rules[i]] = [rules[i], rules[i - 1]]; renderRules(); });
    return el('tr', { dataset: { testid: 'rule-row' } }, el('td', {}, input('botId', 'Bot id')), el('td', {}, trigger), el('td', {}, input('contextPath', 'Context path')),
      el('td', {}, input('contextValue', 'Value')), el('td', {}, team), el('td', { class: 'actions' }, up, remove));
  }));
}

async function saveRules() {
  const items = rules.map((r) => ({
    botId: r.botId?.trim() || null,
    trigger: r.trigger || null,
    contextPath: r.contextPath?.trim() || null,
    contextValue: r.contextPath?.trim() ? (r.contextValue ?? '') : null,
    teamId: r.teamId,
  }));
  const res = await api('PUT', '/routing-rules', { items });
  if (!res.ok) return status(`Could not save the rules: ${res.error}`, true);
  status('Routing rules saved.');
  await loadTeams();
}
