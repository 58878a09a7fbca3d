// Kore's message templates (quick replies, buttons, carousels, lists, images) shown as what the user
// saw: the text, the choices as a list, the cards by title, media as links. The same reading as the
// history page's (libs/handoff/src/history/kore-template.ts): change both together.
import { el, safeHttpUrl } from './util.js';

const MAX_ITEMS = 50;
const MAX_TEXT = 2000;
const ATTACHMENTS = new Set(['image', 'video', 'audio', 'file', 'link']);

const record = (v) => (v && typeof v === 'object' && !Array.isArray(v) ? v : null);
const text = (v) => (typeof v === 'string' && v.trim() ? v.slice(0, MAX_TEXT) : typeof v === 'number' ? String(v) : null);
const list = (v) => (Array.isArray(v) ? v.slice(0, MAX_ITEMS) : []);
const httpUrl = (v) => (typeof v === 'string' && /^https?:/i.test(v) ? safeHttpUrl(v) : null);

function choice(v) {
  const c = record(v);
  if (!c) return text(v) ? { title: text(v), url: null } : null;
  const title = text(c.title) ?? text(c.label) ?? text(c.value) ?? text(c.payload);
  return title ? { title, url: httpUrl(c.url) } : null;
}

const choices = (...sources) => sources.flatMap(list).map(choice).filter(Boolean).slice(0, MAX_ITEMS);

function card(v) {
  const c = record(v);
  if (!c) return null;
  const title = text(c.title) ?? text(c.name) ?? '';
  const subtitle = text(c.subtitle) ?? text(c.description);
  const image = httpUrl(c.image_url) ?? httpUrl(record(c.image)?.image_src) ?? httpUrl(c.image);
  const found = choices(c.buttons);
  return title || subtitle || image || found.length ? { title, subtitle, image, choices: found } : null;
}

/** Null for plain text and for JSON that is not a template. */
export function parseKoreTemplate(raw) {
  let value = raw;
  if (typeof raw === 'string') {
    const trimmed = raw.trim();
    if (!trimmed.startsWith('{')) return null;
    try {
      value = JSON.parse(trimmed);
    } catch {
      return null;
    }
  }
  const message = record(value);
  const payload = record(message?.payload);
  if (!message || !payload || typeof message.type !== 'string') return null;
  if (ATTACHMENTS.has(message.type)) {
    const url = httpUrl(payload.url) ?? httpUrl(payload.image_url);
    return { kind: message.type, text: text(payload.text) ?? text(payload.title), choices: [], cards: [], media: url ? { type: message.type, url } : null };
  }
  if (message.type !== 'template') return null;
  const url = httpUrl(payload.url) ?? httpUrl(payload.image_url);
  return {
    kind: text(payload.template_type) ?? 'template',
    text: text(payload.text) ?? text(payload.heading) ?? text(payload.title),
    choices: choices(payload.buttons, payload.quick_replies),
    cards: list(payload.elements).map(card).filter(Boolean),
    media: url ? { type: 'image', url } : null,
  };
}

// The console's CSP loads no image from elsewhere, and a link does not tell the image's host who looked.
const link = (url, label) => el('a', { href: url, target: '_blank', rel: 'noopener noreferrer nofollow' }, label);
const choiceItem = (c) => el('li', { class: 'choice' }, c.url ? link(c.url, c.title) : c.title);

/** Every string goes into a text node (el()), so a title holding markup shows as text. */
export function templateNode(t) {
  const node = el('div', { class: 'template', dataset: { testid: 'template', template: t.kind } });
  if (t.text) node.append(el('p', {}, t.text));
  if (t.media) node.append(el('p', {}, link(t.media.url, `${t.media.type === 'image' ? 'Image' : t.media.type}: ${t.media.url}`)));
  if (t.cards.length) {
    node.append(el('ol', { class: 'cards', 'aria-label': 'Cards' }, t.cards.map((c) => el('li', { class: 'card' },
      el('strong', {}, c.title),
      c.subtitle ? el('span', { class: 'muted' }, ` ${c.subtitle}`) : null,
      c.image ? [' ', link(c.image, 'Image')] : null,
      c.choices.length ? el('ul', { class: 'choices' }, c.choices.map(choiceItem)) : null))));
  }
  if (t.choices.length) node.append(el('ul', { class: 'choices', 'aria-label': 'Choices offered' }, t.choices.map(choiceItem)));
  if (!node.childNodes.length) node.append(el('p', { class: 'muted' }, '(an empty template)'));
  return node;
}

/** A message's text, or its template made readable. */
export function messageBody(text) {
  const t = parseKoreTemplate(text);
  return t ? templateNode(t) : text;
}
