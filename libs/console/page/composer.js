// The reply box: Enter sends, Shift+Enter adds a line, note mode, canned responses (/ or the
// button), and the agent's typing signal (never sent while writing a private note).
import { state, changed, selected, canSend, canNote, addOutbox } from './state.js';
import { flushOutbox, setTyping } from './socket.js';
import { el, $, newId } from './util.js';
import { status } from './status.js';

const canned = { open: false, mode: 'slash', items: [], active: 0 };
const typing = { on: false, conv: null, last: 0, timer: 0 };
const ta = () => $('#composer');

export function initComposer() {
  const box = ta();
  box.addEventListener('keydown', onKey);
  box.addEventListener('input', onInput);
  box.addEventListener('blur', () => setTimeout(() => document.activeElement !== box && closeCanned(), 150));
  $('#composer-form').addEventListener('submit', (e) => {
    e.preventDefault();
    send();
  });
  $('#note-toggle').addEventListener('change', (e) => setNote(e.target.checked));
  const btn = $('#canned-button');
  btn.addEventListener('mousedown', (e) => e.preventDefault()); // keep the caret in the textarea
  btn.addEventListener('click', () => (canned.open && canned.mode === 'button' ? closeCanned() : openCanned('button', '')));
}

export function setNote(on) {
  const c = selected();
  if (!c) return;
  c.note = canSend(c) ? on : true;
  if (c.note) stopTyping();
  changed('conv');
  ta().focus();
}
export const toggleNote = () => setNote(!selected()?.note);
export const cannedOpen = () => canned.open;

function onInput() {
  const c = selected();
  if (!c) return;
  const value = ta().value;
  c.draft = value;
  const slash = /^\/(\S*)$/.exec(value);
  if (slash) openCanned('slash', slash[1]);
  else if (canned.open && canned.mode === 'slash') closeCanned();
  if (!value || slash || c.note || !canSend(c)) stopTyping();
  else startTyping(c.id);
}

function onKey(e) {
  const plain = !e.altKey && !e.ctrlKey && !e.metaKey;
  if (canned.open && plain) {
    const n = canned.items.length;
    if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && n) {
      e.preventDefault();
      canned.active = (canned.active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
      return renderCanned();
    }
    if (((e.key === 'Enter' && !e.shiftKey) || e.key === 'Tab') && n) {
      e.preventDefault();
      return choose(canned.items[canned.active]);
    }
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      return closeCanned();
    }
  }
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && !e.altKey) {
    e.preventDefault();
    send();
  }
}

function send() {
  const c = selected();
  const box = ta();
  const text = box.value.trim();
  if (!c || !text) return;
  if (c.note ? !canNote(c) : !canSend(c)) return status('This conversation is read-only.', true);
  stopTyping();
  closeCanned();
  const t = $('#transcript');
  t.scrollTop = t.scrollHeight;
  addOutbox({ clientId: newId(), conversationId: c.id, text, note: c.note, at: new Date().toISOString(), state: 'queued' });
  box.value = c.draft = '';
  flushOutbox();
}

/** Puts text back into the reply box (Edit on a failed message) without dropping a draft. */
export function fillComposer(text) {
  const c = selected();
  const box = ta();
  box.value = box.value ? `${box.value}\n${text}` : text;
  if (c) c.draft = box.value;
  box.focus();
}

// ---- canned responses
function filterCanned(q) {
  const all = state.canned ?? [];
  q = q.toLowerCase();
  if (!q) return all;
  const starts = all.filter((i) => i.shortcut.toLowerCase().startsWith(q));
  return starts.concat(all.filter((i) => !starts.includes(i) && `${i.shortcut} ${i.title}`.toLowerCase().includes(q)));
}

function openCanned(mode, q) {
  if (!state.canned) return status('Canned responses are not loaded yet.', true);
  Object.assign(canned, { open: true, mode, items: filterCanned(q), active: 0 });
  renderCanned();
  ta().focus();
}

export function closeCanned() {
  if (!canned.open) return;
  canned.open = false;
  renderCanned();
}

function renderCanned() {
  const list = $('#canned-list');
  list.hidden = !canned.open;
  $('#canned-button').setAttribute('aria-expanded', String(canned.open));
  if (!canned.open) {
    ta().removeAttribute('aria-activedescendant');
    return list.replaceChildren();
  }
  list.replaceChildren(...canned.items.map((it, i) => el('li', {
    id: `canned-${i}`, role: 'option', 'aria-selected': String(i === canned.active), dataset: { testid: 'canned-item' },
    onmousedown: (e) => e.preventDefault(), onclick: () => choose(it),
  }, el('strong', {}, `/${it.shortcut}`), ' ', it.title, el('span', { class: 'muted' }, ` — ${it.text}`))));
  if (!canned.items.length) list.append(el('li', { class: 'muted' }, 'No canned response matches.'));
  if (canned.items.length) {
    ta().setAttribute('aria-activedescendant', `canned-${canned.active}`);
    list.children[canned.active].scrollIntoView({ block: 'nearest' });
  }
}

function choose(item) {
  const box = ta();
  if (canned.mode === 'slash') box.value = item.text;
  else box.setRangeText(item.text, box.selectionStart, box.selectionEnd, 'end');
  closeCanned();
  box.focus();
  box.selectionStart = box.selectionEnd = box.value.length;
  onInput();
}

// ---- typing signal: true after a pause, false after 3 s idle or on send, at most one per 2 s
function startTyping(id) {
  clearTimeout(typing.timer);
  if (typing.on && typing.conv !== id) stopTyping();
  if (!typing.on && Date.now() - typing.last >= 2000) {
    setTyping(id, true);
    Object.assign(typing, { on: true, conv: id, last: Date.now() });
  }
  if (typing.on) typing.timer = setTimeout(stopTyping, 3000);
}

export function stopTyping() {
  clearTimeout(typing.timer);
  if (!typing.on) return;
  setTyping(typing.conv, false);
  Object.assign(typing, { on: false, last: Date.now() });
}
