import { ApiError } from '../common/api-error';
import type { ChatwootSim } from '../chatwoot-sim.facade';
import { type ControlBody, count, optionalNumber } from './control.body';

const route = (body: ControlBody): string | undefined => (typeof body.route === 'string' ? body.route : undefined);

/** `/sim/faults[/:kind]`. Undefined for an unknown route. */
export function faultControl(sim: ChatwootSim, method: string, kind: string | undefined, body: ControlBody): unknown {
  if (method === 'GET' && !kind) return sim.state().faults;
  if (method !== 'POST') return undefined;
  switch (kind) {
    case 'rate-limit': {
      const retryAfter = optionalNumber(body, 'retryAfterSeconds');
      return sim.failNext({ kind: 'rate-limit', times: count(body, 'times', 1), route: route(body), retryAfterSeconds: retryAfter === undefined ? 1 : retryAfter });
    }
    case 'error': {
      const status = count(body, 'status', 500);
      if (status < 400 || status > 599) throw new ApiError(422, { error: '`status` must be 4xx or 5xx' });
      return sim.failNext({ kind: 'error', times: count(body, 'times', 1), route: route(body), status });
    }
    case 'latency': {
      const ms = count(body, 'ms', 0);
      if (optionalNumber(body, 'times') === undefined) {
        sim.setLatency(ms);
        return { latencyMs: ms };
      }
      return sim.failNext({ kind: 'delay', times: count(body, 'times', 1), route: route(body), delayMs: ms });
    }
    case 'webhooks': {
      const changes: Record<string, number | string | null> = {};
      for (const key of ['duplicate', 'hold', 'drop', 'delayMs', 'holdMaxMs']) {
        const value = optionalNumber(body, key);
        if (value !== undefined && value !== null) changes[key] = value;
      }
      if (body.event === null || typeof body.event === 'string') changes.event = body.event;
      return sim.setWebhookFaults(changes);
    }
    case 'reset':
      sim.resetFaults();
      return { ok: true };
    default:
      return undefined;
  }
}
