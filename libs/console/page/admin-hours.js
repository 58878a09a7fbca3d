// Business hours per team: zone, weekly ranges, holidays, and what a closed team does with a user.
// The server checks every field; this screen only reads and writes the ranges as text.
import { api, showError } from './admin-api.js';
import { el, $ } from './util.js';
import { status } from './status.js';

const DAYS = [['mon', 'Monday'], ['tue', 'Tuesday'], ['wed', 'Wednesday'], ['thu', 'Thursday'], ['fri', 'Friday'], ['sat', 'Saturday'], ['sun', 'Sunday']];
let teams = [];

export function initHours() {
  const zones = $('#hours-zones');
  for (const zone of ['UTC', ...(Intl.supportedValuesOf?.('timeZone') ?? [])]) zones.append(el('option', { value: zone }));
  const days = $('#hours-days');
  for (const [key, label] of DAYS) {
    const id = `hours-${key}`;
    days.append(el('label', { for: id }, label), el('input', { id, type: 'text', autocomplete: 'off', placeholder: 'Closed', dataset: { testid: id }, 'aria-describedby': 'hours-days-hint' }));
  }
  $('#hours-team').addEventListener('change', () => fill(selected()));
  $('#hours-always').addEventListener('change', () => ($('#hours-days').disabled = $('#hours-always').checked));
  $('#hours-form').addEventListener('submit', save);
}

export async function loadHours() {
  const res = await api('GET', '/hours');
  if (!res.ok) return status(`Could not load the teams' hours: ${res.error}`, true);
  teams = res.data.items;
  const select = $('#hours-team');
  const keep = select.value;
  select.replaceChildren(...teams.map((t) => el('option', { value: t.teamId }, t.active ? t.name : `${t.name} (inactive)`)));
  $('#hours-empty').hidden = teams.length > 0;
  $('#hours-form').hidden = teams.length === 0;
  if (teams.some((t) => t.teamId === keep)) select.value = keep;
  if (teams.length) fill(selected());
}

const selected = () => teams.find((t) => t.teamId === $('#hours-team').value) ?? teams[0];

function fill(team) {
  $('#hours-zone').value = team.timeZone;
  $('#hours-always').checked = team.weeklyHours === null;
  $('#hours-days').disabled = team.weeklyHours === null;
  for (const [key] of DAYS) $(`#hours-${key}`).value = (team.weeklyHours?.[key] ?? []).map(([a, b]) => `${a}-${b}`).join(', ');
  $('#hours-holidays').value = team.holidays.join('\n');
  for (const radio of document.querySelectorAll('input[name="hours-action"]')) radio.checked = radio.value === team.closedAction;
  const now = $('#hours-now');
  now.textContent = team.openNow ? 'Open now.' : team.nextOpenText ? `Closed now; opens ${team.nextOpenText}.` : 'Closed now, and no day has hours.';
  now.classList.toggle('closed', !team.openNow);
  showError('#hours-error', null);
}

/** "09:00-12:00, 13:00-17:00" -> [["09:00","12:00"],["13:00","17:00"]]; the server says what is wrong with a range. */
function rangesOf(text) {
  return text.split(',').map((part) => part.trim()).filter(Boolean).map((part) => part.split(/\s*[-–]\s*/));
}

async function save(e) {
  e.preventDefault();
  const team = selected();
  const weeklyHours = $('#hours-always').checked ? null : Object.fromEntries(DAYS.map(([key]) => [key, rangesOf($(`#hours-${key}`).value)]).filter(([, r]) => r.length));
  const body = {
    timeZone: $('#hours-zone').value.trim(),
    weeklyHours,
    holidays: $('#hours-holidays').value.split(/[\s,]+/).filter(Boolean),
    closedAction: document.querySelector('input[name="hours-action"]:checked')?.value ?? 'bot',
  };
  const button = $('#hours-save');
  button.disabled = true;
  const res = await api('PUT', `/teams/${team.teamId}/hours`, body);
  button.disabled = false;
  if (!res.ok) return showError('#hours-error', res.error);
  teams = teams.map((t) => (t.teamId === team.teamId ? res.data.item : t));
  fill(res.data.item);
  status(`${team.name}'s hours are saved; the next hand-off uses them.`);
}
