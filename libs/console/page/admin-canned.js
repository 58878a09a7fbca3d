// Canned responses: list, add, edit, delete. Open consoles get the new list from the server at once.
import { api, showError, confirmAction } from './admin-api.js';
import { el, $, reconcile } from './util.js';
import { status } from './status.js';

let items = [];
let editing = null;

export function initCanned() {
  $('#canned-add').addEventListener('click', () => openDialog(null));
  $('#canned-form').addEventListener('submit', save);
}

export async function loadCanned() {
  const res = await api('GET', '/canned-responses');
  if (!res.ok) return status(`Could not load the canned responses: ${res.error}`, true);
  items = res.data.items;
  render();
}

function render() {
  reconcile($('#canned'), items, (c) => c.id, (c) => {
    const tr = el('tr', { dataset: { testid: 'canned-row' } });
    tr._shortcut = el('td', { class: 'strong mono' });
    tr._title = el('td');
    tr._text = el('td', { class: 'long' });
    tr._edit = el('button', { type: 'button', dataset: { testid: 'canned-edit' }, onclick: () => openDialog(tr._item) }, 'Edit');
    tr._delete = el('button', { type: 'button', class: 'danger-text', dataset: { testid: 'canned-delete' }, onclick: () => remove(tr._item) }, 'Delete');
    tr.append(tr._shortcut, tr._title, tr._text, el('td', { class: 'row-actions' }, tr._edit, tr._delete));
    return tr;
  }, (tr, c) => {
    tr._item = c;
    tr.dataset.shortcut = c.shortcut;
    tr._shortcut.textContent = `/${c.shortcut}`;
    tr._title.textContent = c.title;
    tr._text.textContent = c.text;
    tr._edit.setAttribute('aria-label', `Edit /${c.shortcut}`);
    tr._delete.setAttribute('aria-label', `Delete /${c.shortcut}`);
  });
  $('#canned-empty').hidden = items.length > 0;
}

function openDialog(item) {
  editing = item;
  $('#canned-dialog-title').textContent = item ? `Edit /${item.shortcut}` : 'Add canned response';
  $('#canned-shortcut').value = item?.shortcut ?? '';
  $('#canned-title').value = item?.title ?? '';
  $('#canned-text').value = item?.text ?? '';
  showError('#canned-error', null);
  $('#canned-dialog').showModal();
  $('#canned-shortcut').focus();
}

async function save(e) {
  e.preventDefault();
  const body = {
    shortcut: $('#canned-shortcut').value.trim().replace(/^\//, ''),
    title: $('#canned-title').value.trim(),
    text: $('#canned-text').value.trim(),
  };
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/.test(body.shortcut)) return showError('#canned-error', 'The shortcut is 1 to 40 letters, digits, "-", "_" or ".", with no spaces.');
  if (!body.title || !body.text) return showError('#canned-error', 'Give a title and the text.');
  const button = $('#canned-save');
  button.disabled = true;
  const res = editing ? await api('PATCH', `/canned-responses/${editing.id}`, body) : await api('POST', '/canned-responses', body);
  button.disabled = false;
  if (!res.ok) return showError('#canned-error', res.error);
  $('#canned-dialog').close();
  status(`/${res.data.item.shortcut} is saved; agents have it now.`);
  await loadCanned();
}

async function remove(item) {
  const done = await confirmAction({
    title: `Delete /${item.shortcut}?`,
    text: `Agents will no longer be offered "${item.title}".`,
    ok: 'Delete',
    action: async () => {
      const res = await api('DELETE', `/canned-responses/${item.id}`);
      return res.ok || res.status === 404 ? null : res.error;
    },
  });
  if (!done) return;
  status(`/${item.shortcut} is deleted.`);
  await loadCanned();
}
