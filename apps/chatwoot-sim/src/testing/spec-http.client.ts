import http from 'node:http';
import type { ChatwootSim } from '../chatwoot-sim.facade';

export interface SpecResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** Parsed JSON, or undefined when the body is empty or not JSON. */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- specs index into arbitrary bodies
}

export interface SpecRequest {
  method?: string;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings as they are. */
  body?: unknown;
}

const agent = new http.Agent({ keepAlive: false });

export function request(url: string, options: SpecRequest = {}): Promise<SpecResponse> {
  const headers: Record<string, string> = { ...options.headers };
  let payload: string | undefined;
  if (options.body !== undefined) {
    payload = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? (payload === undefined ? 'GET' : 'POST'), headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Calls `/api/v1/accounts/{account}{path}` with the administrator's token unless told otherwise. */
export function api(sim: ChatwootSim, method: string, path: string, body?: unknown, options: { token?: string | null; accountId?: number } = {}): Promise<SpecResponse> {
  const token = options.token === undefined ? sim.config.apiToken : options.token;
  const headers: Record<string, string> = token === null ? {} : { api_access_token: token };
  return request(`${sim.url}/api/v1/accounts/${options.accountId ?? sim.config.accountId}${path}`, { method, headers, body });
}

/** A contact with a contact inbox, and an open conversation on it: the bridge's usual first two calls. */
export async function openConversation(sim: ChatwootSim, identifier = `user-${Math.random().toString(36).slice(2, 8)}`): Promise<{ contactId: number; sourceId: string; conversationId: number }> {
  const contact = await api(sim, 'POST', '/contacts', { inbox_id: sim.config.inboxId, name: 'Kim', identifier });
  if (contact.status !== 200) throw new Error(`contact: ${contact.status} ${contact.text}`);
  const contactId = contact.json.payload.contact.id as number;
  const sourceId = contact.json.payload.contact_inbox.source_id as string;
  const conversation = await api(sim, 'POST', '/conversations', { source_id: sourceId, inbox_id: sim.config.inboxId, contact_id: contactId });
  if (conversation.status !== 200) throw new Error(`conversation: ${conversation.status} ${conversation.text}`);
  return { contactId, sourceId, conversationId: conversation.json.id as number };
}
