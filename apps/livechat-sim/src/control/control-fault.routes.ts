import { ApiError } from '../common/api-error';
import type { LiveChatSim } from '../livechat-sim.facade';
import type { Body } from './control-chat.routes';

const num = (value: unknown, fallback: number): number => (typeof value === 'number' && Number.isFinite(value) ? value : fallback);

/** `/sim/faults/:kind`. Returns undefined for an unknown route. */
export async function faultRoute(sim: LiveChatSim, method: string, kind: string | undefined, body: Body): Promise<unknown> {
  if (method === 'GET' && !kind) return sim.state().faults;
  if (method !== 'POST') return undefined;
  switch (kind) {
    case 'fail-next':
      if (typeof body.action !== 'string' || typeof body.errorType !== 'string') {
        throw new ApiError('validation', '`action` and `errorType` are required');
      }
      sim.failNext(body.action, body.errorType, num(body.times, 1), {
        status: typeof body.status === 'number' ? body.status : undefined,
        message: typeof body.message === 'string' ? body.message : undefined,
        delayMs: typeof body.delayMs === 'number' ? body.delayMs : undefined,
      });
      return { ok: true };
    case 'down':
      // Answer first: in `refuse` mode this very connection is about to be cut.
      setImmediate(() => {
        sim.setDown(num(body.ms, 5_000), body.mode === '503' ? '503' : 'refuse').catch(() => undefined);
      });
      return { ok: true };
    case 'rate-limit':
      sim.setRateLimit(num(body.limit, 0), num(body.windowMs, 1_000), body.scope === 'token' ? 'token' : 'global');
      return { ok: true };
    case 'webhooks':
      sim.setWebhookFaults({
        ...(body.duplicate !== undefined ? { duplicate: typeof body.duplicate === 'number' ? body.duplicate : body.duplicate === true } : {}),
        ...(body.reorder !== undefined ? { reorder: body.reorder === true } : {}),
        ...(body.reorderMaxHoldMs !== undefined ? { reorderMaxHoldMs: num(body.reorderMaxHoldMs, 2_000) } : {}),
        ...(body.delayMs !== undefined ? { delayMs: num(body.delayMs, 0) } : {}),
        ...(body.failFirstAttempts !== undefined ? { failFirstAttempts: num(body.failFirstAttempts, 0) } : {}),
        ...(body.wrongSecret !== undefined ? { wrongSecret: body.wrongSecret === true } : {}),
      });
      return sim.state().faults;
    case 'region':
      if (typeof body.region !== 'string' || body.region === '') throw new ApiError('validation', '`region` is required');
      sim.setRegion(body.region);
      return { ok: true };
    case 'latency':
      sim.setLatency(num(body.ms, 0));
      return { ok: true };
    case 'reset':
      sim.resetFaults();
      return { ok: true };
    default:
      return undefined;
  }
}
