// Bot texts and CSAT: what each bot's users are told, and whether they are asked for a rating after an
// agent's chat. Saved texts apply at once on every instance; an emptied field goes back to its default.
import { api, showError } from './admin-api.js';
import { el, $ } from './util.js';
import { status } from './status.js';

/** Names an admin recognises; a key the server adds later shows under its own name. */
const LABELS = {
  waiting: 'While waiting for an agent',
  agentJoined: 'When an agent joins',
  agentLeft: 'When the agent ends the chat',
  userEnded: 'When the user leaves the chat',
  inactivity: 'When the chat closes for inactivity',
  queueTimeout: 'When no agent took the chat in time',
  unavailable: 'When no agent can be reached',
  deliveryFailed: 'When a message could not reach the agent',
  csatPrompt: 'CSAT: the rating question (shown with 1–5 choices)',
  csatThanks: 'CSAT: the answer to a rating',
};

let data = null;
let current = null;

export function initTexts() {
  $('#texts-bot').addEventListener('change', () => pick($('#texts-bot').value));
  $('#texts-form').addEventListener('submit', save);
  $('#texts-other').addEventListener('submit', (e) => {
    e.preventDefault();
    const id = $('#texts-other-id').value.trim();
    if (id) openOther(id);
  });
}

export async function loadTexts() {
  const res = await api('GET', '/bots');
  if (!res.ok) return status(`Could not load the bots: ${res.error}`, true);
  data = res.data;
  $('#texts-other').hidden = !data.anyBot;
  $('#texts-empty').hidden = data.items.length > 0;
  const select = $('#texts-bot');
  select.replaceChildren(...data.items.map((b) => el('option', { value: b.botId }, b.botId)));
  const keep = current && data.items.find((b) => b.botId === current.botId);
  if (keep) select.value = keep.botId;
  $('#texts-bot-line').hidden = data.items.length === 0;
  if (data.items.length) pick(select.value);
  else $('#texts-form').hidden = true;
}

async function openOther(botId) {
  const res = await api('GET', `/bots/${encodeURIComponent(botId)}`);
  if (!res.ok) return status(res.status === 404 ? `No bot "${botId}" here: give a Kore bot id (st-…).` : res.error, true);
  if (!data.items.some((b) => b.botId === botId)) {
    data.items.push(res.data.item);
    $('#texts-bot').append(el('option', { value: botId }, botId));
  }
  $('#texts-bot-line').hidden = false;
  $('#texts-bot').value = botId;
  pick(botId);
}

function pick(botId) {
  current = data.items.find((b) => b.botId === botId) ?? null;
  if (!current) return;
  $('#texts-form').hidden = false;
  $('#texts-csat').checked = current.csatEnabled;
  $('#texts-updated').textContent = current.updatedAt ? `Last changed ${new Date(current.updatedAt).toLocaleString()}.` : 'Never changed here: the defaults apply.';
  showError('#texts-error', null);
  $('#texts-fields').replaceChildren(...data.keys.map(({ key, placeholders }) => field(key, placeholders)));
}

function field(key, placeholders) {
  const id = `text-${key}`;
  const custom = current.overridden.includes(key);
  const area = el('textarea', { id, rows: 2, maxlength: 1000, dataset: { testid: id, key }, 'aria-describedby': `${id}-hint` });
  area.value = current.texts[key];
  const badge = el('span', { class: 'tag', dataset: { testid: `${id}-custom` } }, 'Customised');
  badge.hidden = !custom;
  const reset = el('button', { type: 'button', class: 'link', dataset: { testid: `${id}-reset` }, onclick: () => {
    area.value = current.defaults[key];
    area.focus();
  } }, 'Use default');
  const fills = placeholders.length ? ` · Filled in: ${placeholders.map((p) => `{${p}}`).join(', ')}` : '';
  return el('div', { class: 'text-field', dataset: { testid: 'text-field' } },
    el('div', { class: 'text-head' }, el('label', { for: id }, LABELS[key] ?? key), badge, reset),
    area,
    el('p', { id: `${id}-hint`, class: 'hint' }, `Default: “${current.defaults[key]}”${fills}`));
}

async function save(e) {
  e.preventDefault();
  const texts = {};
  for (const area of document.querySelectorAll('#texts-fields textarea')) {
    const value = area.value.trim();
    if (value && value !== current.defaults[area.dataset.key]) texts[area.dataset.key] = value;
  }
  const button = $('#texts-save');
  button.disabled = true;
  const res = await api('PUT', `/bots/${encodeURIComponent(current.botId)}`, { texts, csatEnabled: $('#texts-csat').checked });
  button.disabled = false;
  if (!res.ok) return showError('#texts-error', res.error);
  const i = data.items.findIndex((b) => b.botId === current.botId);
  data.items[i] = res.data.item;
  pick(current.botId);
  status(`Saved: users of ${current.botId} see these texts now${current.csatEnabled ? ' and are asked for a rating' : ''}.`);
}
