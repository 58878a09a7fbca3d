// Dispositions: what agents pick when closing. Add, rename, offer or not, reorder; never deleted, since
// closed conversations keep their code.
import { api, showError } from './admin-api.js';
import { el, $, reconcile } from './util.js';
import { status } from './status.js';

let items = [];
let editing = null;

export function initDispositions() {
  $('#disposition-add').addEventListener('click', () => openDialog(null));
  $('#disposition-form').addEventListener('submit', save);
  $('#disposition-label').addEventListener('input', () => {
    if (!editing) $('#disposition-code').textContent = codeOf($('#disposition-label').value) || '…';
  });
}

/** The server derives the code the same way; shown so the admin knows what reports will say. */
const codeOf = (label) => label.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '');

export async function loadDispositions() {
  const res = await api('GET', '/dispositions');
  if (!res.ok) return status(`Could not load the dispositions: ${res.error}`, true);
  items = res.data.items;
  render();
}

function render() {
  reconcile($('#dispositions'), items, (d) => d.id, (d) => {
    const tr = el('tr', { dataset: { testid: 'disposition-row' } });
    tr._up = el('button', { type: 'button', class: 'icon', dataset: { testid: 'disposition-up' }, onclick: () => move(tr._item, -1) }, '↑');
    tr._down = el('button', { type: 'button', class: 'icon', dataset: { testid: 'disposition-down' }, onclick: () => move(tr._item, 1) }, '↓');
    tr._label = el('td', { class: 'strong' });
    tr._code = el('td', { class: 'mono muted' });
    tr._active = el('input', { type: 'checkbox', dataset: { testid: 'disposition-active' }, onchange: (e) => setActive(tr._item, e.target) });
    tr._edit = el('button', { type: 'button', dataset: { testid: 'disposition-edit' }, onclick: () => openDialog(tr._item) }, 'Rename');
    tr.append(el('td', { class: 'order' }, tr._up, tr._down), tr._label, tr._code, el('td', {}, el('label', { class: 'choice' }, tr._active, ' Offered')), el('td', { class: 'row-actions' }, tr._edit));
    return tr;
  }, (tr, d) => {
    tr._item = d;
    tr.dataset.code = d.code;
    tr.classList.toggle('inactive', !d.active);
    tr._label.textContent = d.label;
    tr._code.textContent = d.code;
    tr._active.checked = d.active;
    const i = items.indexOf(d);
    tr._up.disabled = i === 0;
    tr._down.disabled = i === items.length - 1;
    tr._up.setAttribute('aria-label', `Move ${d.label} up`);
    tr._down.setAttribute('aria-label', `Move ${d.label} down`);
    tr._active.setAttribute('aria-label', `Offer ${d.label}`);
    tr._edit.setAttribute('aria-label', `Rename ${d.label}`);
  });
}

async function setActive(item, box) {
  box.disabled = true;
  const res = await api('PATCH', `/dispositions/${item.id}`, { active: box.checked });
  box.disabled = false;
  if (!res.ok) {
    box.checked = item.active;
    return status(`Could not change ${item.label}: ${res.error}`, true);
  }
  status(`${item.label} is ${box.checked ? 'offered' : 'no longer offered'} to agents.`);
  await loadDispositions();
}

async function move(item, delta) {
  const ids = items.map((d) => d.id);
  const i = ids.indexOf(item.id);
  const j = i + delta;
  if (j < 0 || j >= ids.length) return;
  [ids[i], ids[j]] = [ids[j], ids[i]];
  const res = await api('PUT', '/dispositions/order', { ids });
  if (!res.ok) {
    status(`Could not reorder: ${res.error}`, true);
    return loadDispositions();
  }
  items = res.data.items;
  render();
  // The moved row keeps the focus, so pressing again keeps moving it.
  document.querySelector(`[data-testid="disposition-row"][data-code="${CSS.escape(item.code)}"] [data-testid="disposition-${delta < 0 ? 'up' : 'down'}"]`)?.focus();
}

function openDialog(item) {
  editing = item;
  $('#disposition-dialog-title').textContent = item ? `Rename ${item.label}` : 'Add disposition';
  $('#disposition-label').value = item?.label ?? '';
  $('#disposition-code').textContent = item?.code ?? '…';
  showError('#disposition-error', null);
  $('#disposition-dialog').showModal();
  $('#disposition-label').focus();
}

async function save(e) {
  e.preventDefault();
  const label = $('#disposition-label').value.trim();
  if (!label) return showError('#disposition-error', 'Give a label.');
  const button = $('#disposition-save');
  button.disabled = true;
  const res = editing ? await api('PATCH', `/dispositions/${editing.id}`, { label }) : await api('POST', '/dispositions', { label });
  button.disabled = false;
  if (!res.ok) return showError('#disposition-error', res.error);
  $('#disposition-dialog').close();
  status(`${res.data.item.label} is saved; agents have it now.`);
  await loadDispositions();
}
