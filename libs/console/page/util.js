// Small DOM and formatting helpers. Server text only ever goes through text nodes (see el()).

/** el('li', { class: 'x', dataset: { testid: 'y' }, onclick }, 'text', child) — strings become text nodes. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'dataset') {
      for (const [dk, dv] of Object.entries(v)) if (dv != null) node.dataset[dk] = dv;
    }
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k === 'class') node.className = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    node.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return node;
}

export const $ = (sel, root = document) => root.querySelector(sel);

/** Sets text only when it changed, so re-renders do not disturb selection or screen readers. */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/**
 * Cursors are strings that increase per conversation. Digit-only cursors are compared as
 * numbers ("9" < "10"); anything else falls back to plain string order.
 */
export function cmpCursor(a, b) {
  if (a === b) return 0;
  if (a == null) return -1;
  if (b == null) return 1;
  if (/^\d+$/.test(a) && /^\d+$/.test(b) && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : 1;
}

export function maxCursor(a, b) {
  return cmpCursor(a, b) >= 0 ? a : b;
}

/** Wait time as mm:ss, or h:mm:ss past an hour. */
export function fmtWait(sinceIso, now = Date.now()) {
  const s = Math.max(0, Math.floor((now - Date.parse(sinceIso)) / 1000));
  const two = (n) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}:${two(m)}:${two(s % 60)}` : `${two(m)}:${two(s % 60)}`;
}

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayFmt = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
const fullFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export const fmtTime = (iso) => timeFmt.format(new Date(iso));
export const fmtFull = (iso) => fullFmt.format(new Date(iso));
export function fmtDay(iso) {
  const d = new Date(iso);
  return d.toDateString() === new Date().toDateString() ? 'Today' : dayFmt.format(d);
}

/** Only http(s) URLs become links; anything else (javascript:, data:) is refused. */
export function safeHttpUrl(value) {
  try {
    const url = new URL(value, location.href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

export const TRIGGERS = { agent_transfer: 'Asked for an agent', tone: 'Tone (upset)', keyword: 'Keyword' };
const REASONS = {
  agent_closed: 'closed by agent', user_ended: 'the user left', inactivity: 'inactive', queue_timeout: 'waited too long',
  provider_error: 'delivery error', platform_reset: 'back to the bot', transferred: 'transferred to another agent',
  taken_over: 'taken over by a supervisor', reassigned: 'reassigned by a supervisor',
};
export const reasonLabel = (r) => REASONS[r] ?? r;

const DISPOSITIONS = { resolved: 'Resolved', 'follow-up': 'Follow-up needed', spam: 'Spam', other: 'Other' };
/** The outcome the closing agent chose; "other: …" carries their own words. */
export function dispositionLabel(d) {
  if (!d) return null;
  return DISPOSITIONS[d] ?? (d.startsWith('other: ') ? `Other: ${d.slice('other: '.length)}` : d);
}

/**
 * Keeps `container`'s children in the order of `items`, reusing the node of each key so a
 * focused button or a text selection survives an update. Nodes that no longer have an item go.
 */
export function reconcile(container, items, keyOf, create, update) {
  const cache = (container._nodes ??= new Map());
  const keep = new Set();
  items.forEach((item, i) => {
    const key = keyOf(item);
    keep.add(key);
    let node = cache.get(key);
    if (!node) cache.set(key, (node = create(item)));
    update(node, item);
    if (container.children[i] !== node) container.insertBefore(node, container.children[i] ?? null);
  });
  for (const [key, node] of cache) {
    if (!keep.has(key)) {
      node.remove();
      cache.delete(key);
    }
  }
}

/** A UUID v4 that also works on plain http (crypto.randomUUID needs a secure context). */
export function newId() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
