import { validation } from '../common/api-error';
import { isPlainObject } from '../common/http-io.util';
import type { SimEvent } from '../state/chat.types';

export type EventFields = Omit<SimEvent, 'id' | 'created_at'>;

const MAX_TEXT_BYTES = 16 * 1024;
const RICH_TEMPLATES = ['cards', 'sticker', 'quick_replies'];

/** Returns the stored form (`recipients` becomes `visibility`); throws `validation` with the field path. */
export function customerEventFields(raw: unknown, authorId: string, fileUrlPattern: RegExp, path = 'event'): EventFields {
  if (!isPlainObject(raw)) throw validation(`\`${path}\` must be an object`);
  const type = raw.type;
  if (typeof type !== 'string') throw validation(`\`${path}.type\` is required`);
  const fields: EventFields = { type, author_id: authorId, visibility: recipients(raw.recipients, path) };
  optionalString(raw, 'custom_id', path, fields);
  if (raw.properties !== undefined) {
    if (!isPlainObject(raw.properties)) throw validation(`\`${path}.properties\` must be an object`);
    fields.properties = raw.properties;
  }
  switch (type) {
    case 'message':
      fields.text = messageText(raw.text, path);
      if (raw.postback !== undefined) fields.postback = postback(raw.postback, path);
      return fields;
    case 'file':
      return Object.assign(fields, file(raw, path, fileUrlPattern));
    case 'rich_message':
      if (typeof raw.template_id !== 'string' || !RICH_TEMPLATES.includes(raw.template_id)) {
        throw validation(`\`${path}.template_id\` must be one of ${RICH_TEMPLATES.join(', ')}`);
      }
      if (raw.elements !== undefined && (!Array.isArray(raw.elements) || raw.elements.length > 10)) {
        throw validation(`\`${path}.elements\` must be an array of at most 10 elements`);
      }
      return Object.assign(fields, { template_id: raw.template_id, elements: raw.elements ?? [] });
    case 'custom':
      if (raw.content !== undefined && !isPlainObject(raw.content)) throw validation(`\`${path}.content\` must be an object`);
      if (raw.content !== undefined) fields.content = raw.content;
      return fields;
    case 'form':
    case 'filled_form':
      if (typeof raw.form_id !== 'string') throw validation(`\`${path}.form_id\` is required`);
      if (!Array.isArray(raw.fields)) throw validation(`\`${path}.fields\` is required`);
      return Object.assign(fields, { form_id: raw.form_id, fields: raw.fields });
    case 'system_message':
      return systemMessage(raw, path, fields);
    default:
      throw validation(`\`${path}.type\` has an unsupported value`);
  }
}

function recipients(value: unknown, path: string): 'all' | 'agents' {
  if (value === undefined) return 'all';
  if (value === 'all' || value === 'agents') return value;
  throw validation(`\`${path}.recipients\` must be one of all, agents`);
}

function messageText(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) throw validation(`\`${path}.text\` is required`);
  // The limit is on raw bytes: one emoji can take 4 of them.
  if (Buffer.byteLength(value, 'utf8') > MAX_TEXT_BYTES) throw validation(`\`${path}.text\` exceeds ${MAX_TEXT_BYTES} bytes`);
  return value;
}

function postback(value: unknown, path: string): Record<string, unknown> {
  if (!isPlainObject(value)) throw validation(`\`${path}.postback\` must be an object`);
  for (const key of ['id', 'thread_id', 'event_id']) {
    if (typeof value[key] !== 'string') throw validation(`\`${path}.postback.${key}\` is required`);
  }
  if ((value.type === undefined) !== (value.value === undefined)) {
    throw validation(`\`${path}.postback.type\` and \`${path}.postback.value\` must be used together`);
  }
  return value;
}

function file(raw: Record<string, unknown>, path: string, pattern: RegExp): Record<string, unknown> {
  if (typeof raw.url !== 'string') throw validation(`\`${path}.url\` is required`);
  if (!pattern.test(raw.url)) throw validation(`\`${path}.url\` must point to the LiveChat CDN`);
  const name = decodeURIComponent(new URL(raw.url).pathname.split('/').pop() || 'file');
  const out: Record<string, unknown> = { url: raw.url, name, content_type: contentType(name) };
  if (typeof raw.alternative_text === 'string') out.alternative_text = raw.alternative_text;
  return out;
}

function systemMessage(raw: Record<string, unknown>, path: string, fields: EventFields): EventFields {
  if (typeof raw.system_message_type !== 'string') throw validation(`\`${path}.system_message_type\` is required`);
  // System messages carry no author in their stored form.
  const { author_id: _author, ...rest } = fields;
  const out: EventFields = { ...rest, system_message_type: raw.system_message_type };
  if (typeof raw.text === 'string') out.text = raw.text;
  if (raw.text_vars !== undefined) {
    if (!isPlainObject(raw.text_vars)) throw validation(`\`${path}.text_vars\` must be an object`);
    out.text_vars = raw.text_vars;
  }
  return out;
}

function optionalString(raw: Record<string, unknown>, key: string, path: string, into: EventFields): void {
  const value = raw[key];
  if (value === undefined) return;
  if (typeof value !== 'string') throw validation(`\`${path}.${key}\` must be a string`);
  into[key] = value;
}

const TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', pdf: 'application/pdf', txt: 'text/plain' };

function contentType(name: string): string {
  const ext = name.includes('.') ? name.split('.').pop()!.toLowerCase() : '';
  return TYPES[ext] ?? 'application/octet-stream';
}
