// The context panel beside a conversation: who the user is, why they were handed over, the fields
// of the bot's context chosen in CONSOLE_CONTEXT_FIELDS, and their past conversations with the bot,
// each opening read-only.
import { selected, changed } from './state.js';
import { call } from './socket.js';
import { messageNode } from './render.js';
import { el, $, setText, fmtFull, reasonLabel, dispositionLabel } from './util.js';

const TRIGGER_TEXT = { agent_transfer: "The bot's Agent Transfer node", tone: "The user's tone", keyword: 'A keyword the user wrote' };

/** Read again each time the conversation is shown or closes: the context and the list move on. */
export async function loadContext(c) {
  if (!c?.view || c.ctxLoading) return;
  c.ctxLoading = true;
  const res = await call('conversation:context', { conversationId: c.id });
  c.ctxLoading = false;
  if (res.ok) {
    c.ctx = res.context;
    c.ctxError = null;
    if (res.context.disposition) c.disposition = res.context.disposition;
  } else if (!c.ctx) c.ctxError = res.error;
  changed('context', 'conv', 'list');
}

export function renderContext() {
  const c = selected();
  const panel = $('#context-panel');
  const show = !!c?.view;
  panel.hidden = !show;
  panel.parentElement.classList.toggle('with-context', show);
  if (!show) return;
  const ctx = c.ctx;
  // Re-rendered only when it changed, so a focused past-conversation button keeps its focus.
  if (panel._shown === ctx && panel._error === c.ctxError && ctx) return;
  panel._shown = ctx;
  panel._error = c.ctxError;
  $('#ctx-error').hidden = !c.ctxError;
  setText($('#ctx-error'), c.ctxError ? `Could not load the context: ${c.ctxError}` : '');
  if (!ctx) {
    $('#ctx-user').replaceChildren(el('dd', { class: 'muted' }, 'Loading…'));
    setText($('#ctx-reason'), '');
    $('#ctx-fields').replaceChildren();
    $('#ctx-past').replaceChildren();
    return;
  }
  const u = ctx.user;
  $('#ctx-user').replaceChildren(...facts([
    ['Name', u.name ?? 'Not given'],
    ['Email', u.email],
    ['Channel', u.channel ?? 'Unknown'],
    ['Visitor id', u.visitorKey],
  ]));
  setText($('#ctx-reason'), reasonText(ctx.reason));
  $('#ctx-fields').replaceChildren(...facts(ctx.fields.map((f) => [f.label, f.value ?? '—', f.path])));
  $('#ctx-fields-empty').hidden = ctx.fields.length > 0;
  $('#ctx-past').replaceChildren(...ctx.past.map(pastItem));
  $('#ctx-past-empty').hidden = ctx.past.length > 0;
}

function facts(rows) {
  return rows.filter(([, value]) => value != null).flatMap(([label, value, title]) => [el('dt', { title }, label), el('dd', {}, value)]);
}

function reasonText(r) {
  const detail = r.trigger === 'tone' && r.tone ? `: ${r.tone.name}, level ${r.tone.level}` : r.trigger === 'keyword' && r.keyword ? `: “${r.keyword}”` : '';
  return `${TRIGGER_TEXT[r.trigger] ?? r.trigger}${detail} · ${fmtFull(r.at)}`;
}

function outcome(p) {
  if (p.state !== 'closed') return p.state === 'queued' ? 'Waiting' : `Open with ${p.agentName ?? 'an agent'}`;
  return dispositionLabel(p.disposition) ?? 'No outcome recorded';
}

function pastItem(p) {
  const closed = p.closeReason ? `, ${reasonLabel(p.closeReason)}` : '';
  return el('li', { dataset: { testid: 'past-conversation', conversationId: p.id } },
    el('button', { type: 'button', class: 'link', onclick: () => openPast(p) }, el('time', { datetime: p.openedAt }, fmtFull(p.openedAt))),
    el('div', { class: 'outcome', dataset: { testid: 'past-outcome' } }, outcome(p)),
    el('div', { class: 'sub' }, `${p.agentName ? `With ${p.agentName}` : 'No agent'}${closed}`));
}

async function openPast(p) {
  const c = selected();
  if (!c) return;
  const dialog = $('#past-dialog');
  const box = $('#past-transcript');
  setText($('#past-meta'), `${fmtFull(p.openedAt)} · ${outcome(p)}${p.agentName ? ` · ${p.agentName}` : ''}`);
  box.replaceChildren(el('p', { class: 'muted' }, 'Loading…'));
  $('#past-error').hidden = true;
  dialog.showModal();
  const res = await call('conversation:past', { conversationId: c.id, pastId: p.id });
  if (!res.ok) {
    box.replaceChildren();
    $('#past-error').hidden = false;
    setText($('#past-error'), `Could not load it: ${res.error}`);
    return;
  }
  box.replaceChildren(...res.messages.map((m) => messageNode({ m })));
  if (!res.messages.length) box.append(el('p', { class: 'muted' }, 'No messages.'));
  if (res.more) box.append(el('p', { class: 'muted' }, 'Only the first messages are shown.'));
}
