/**
 * Kore's message templates (the Web SDK's `{"type":"template","payload":{"template_type":…}}`, and
 * attachments such as `{"type":"image","payload":{"url":…}}`) reduced to what a reader needs: the
 * text, the choices offered, the cards of a carousel or list, and links to media. A bot sends them
 * as the text of a message, so they reach the history as JSON.
 *
 * The console page reads them the same way in libs/console/page/kore-template.js (a desk cannot
 * import the engine, and the page has no build step): change both together.
 */
export interface TemplateChoice {
  title: string;
  /** Only http(s) URLs. */
  url: string | null;
}

export interface TemplateCard {
  title: string;
  subtitle: string | null;
  image: string | null;
  choices: TemplateChoice[];
}

export interface KoreTemplate {
  /** template_type, or the attachment type. */
  kind: string;
  text: string | null;
  choices: TemplateChoice[];
  cards: TemplateCard[];
  /** An image, video, audio or file attachment. */
  media: { type: string; url: string } | null;
}

const MAX_ITEMS = 50;
const MAX_TEXT = 2000;
const ATTACHMENTS = new Set(['image', 'video', 'audio', 'file', 'link']);

const record = (v: unknown): Record<string, unknown> | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.slice(0, MAX_TEXT) : typeof v === 'number' ? String(v) : null);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v.slice(0, MAX_ITEMS) : []);

export function httpUrl(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  try {
    const url = new URL(v);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

function choice(v: unknown): TemplateChoice | null {
  const c = record(v);
  if (!c) return text(v) ? { title: text(v)!, url: null } : null;
  const title = text(c.title) ?? text(c.label) ?? text(c.value) ?? text(c.payload);
  return title ? { title, url: httpUrl(c.url) } : null;
}

const choices = (...sources: unknown[]): TemplateChoice[] => sources.flatMap(list).map(choice).filter((c): c is TemplateChoice => c !== null).slice(0, MAX_ITEMS);

function card(v: unknown): TemplateCard | null {
  const c = record(v);
  if (!c) return null;
  const title = text(c.title) ?? text(c.name) ?? '';
  const subtitle = text(c.subtitle) ?? text(c.description);
  const image = httpUrl(c.image_url) ?? httpUrl(record(c.image)?.image_src) ?? httpUrl(c.image);
  const found = choices(c.buttons);
  return title || subtitle || image || found.length ? { title, subtitle, image, choices: found } : null;
}

/** Null for plain text and for JSON that is not a template. */
export function parseKoreTemplate(raw: unknown): KoreTemplate | null {
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
  const kind = text(payload.template_type) ?? 'template';
  const cards = list(payload.elements).map(card).filter((c): c is TemplateCard => c !== null);
  const url = httpUrl(payload.url) ?? httpUrl(payload.image_url);
  return {
    kind,
    text: text(payload.text) ?? text(payload.heading) ?? text(payload.title),
    choices: choices(payload.buttons, payload.quick_replies),
    cards,
    media: url ? { type: 'image', url } : null,
  };
}
