import type { LiveChatSim } from '../livechat-sim.facade';
import { request, type SpecResponse } from './spec-http.client';

/** The bridge's token chain over real HTTP: refresh → agent token → customer token. */
export async function agentToken(sim: LiveChatSim): Promise<string> {
  const c = sim.config;
  const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: c.refreshToken, client_id: c.clientId, client_secret: c.clientSecret });
  const res = await request(`${sim.url}/v2/token`, { body: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  if (res.status !== 200) throw new Error(`token grant failed: ${res.status} ${res.text}`);
  return res.json.access_token as string;
}

export async function customerToken(sim: LiveChatSim, entityId?: string): Promise<{ token: string; entityId: string }> {
  const bearer = await agentToken(sim);
  const body: Record<string, unknown> = { grant_type: 'agent_token', client_id: sim.config.clientId, response_type: 'token' };
  if (entityId) body.entity_id = entityId;
  const res = await request(`${sim.url}/v2/customer/token`, { body, headers: { authorization: `Bearer ${bearer}` } });
  if (res.status !== 200) throw new Error(`customer token failed: ${res.status} ${res.text}`);
  return { token: res.json.access_token, entityId: res.json.entity_id };
}

export function customerAction(
  sim: LiveChatSim,
  token: string,
  action: string,
  body: unknown = {},
  options: { version?: string; headers?: Record<string, string>; organizationId?: string | null } = {},
): Promise<SpecResponse> {
  const org = options.organizationId === undefined ? sim.config.organizationId : options.organizationId;
  const query = org === null ? '' : `?organization_id=${encodeURIComponent(org)}`;
  return request(`${sim.url}/v${options.version ?? '3.6'}/customer/action/${action}${query}`, {
    body,
    headers: { authorization: `Bearer ${token}`, ...options.headers },
  });
}

export const messageEvent = (text: string, customId?: string): Record<string, unknown> =>
  customId ? { type: 'message', text, recipients: 'all', custom_id: customId } : { type: 'message', text, recipients: 'all' };
