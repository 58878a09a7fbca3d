import type { ServerResponse } from 'node:http';
import { ApiError, type ErrorStatusMap, validation } from '../common/api-error';
import { contentTypeIs, headerValue, isPlainObject, parseJson, sendJson } from '../common/http-io.util';
import type { FaultInjector } from '../faults/fault-injector.service';
import type { ResolvedOptions } from '../sim.options';
import { type ApiCall, sleep } from './api-call.types';

/** v3.5 is legacy but still served; 3.4 is deprecated and 3.7 a developer preview in LiveChat's docs. */
export const SUPPORTED_VERSIONS = ['3.5', '3.6'];

type GateSettings = Pick<ResolvedOptions, 'region' | 'defaultRequestRegion'>;

export class WebApiGate {
  constructor(
    private readonly settings: GateSettings,
    private readonly faults: FaultInjector,
    private readonly statuses: ErrorStatusMap,
  ) {}

  /** Returns the JSON body; throws `ApiError` for injected faults, rate limit, region, version and format. */
  async admit(call: ApiCall): Promise<Record<string, unknown>> {
    if (this.faults.latencyMs > 0) await sleep(this.faults.latencyMs);
    const rule = this.faults.take(call.action);
    if (rule) {
      if (rule.delayMs) await sleep(rule.delayMs);
      throw new ApiError(rule.errorType, rule.message, rule.data, rule.status);
    }
    const caller = headerValue(call.req, 'authorization') ?? call.req.socket.remoteAddress ?? '';
    if (this.faults.isRateLimited(caller)) throw new ApiError('too_many_requests');
    // The official SDKs send X-Region from the token prefix; without it the request lands in the default DC.
    const region = headerValue(call.req, 'x-region')?.trim() || this.settings.defaultRequestRegion;
    if (region !== this.settings.region) throw new ApiError('misdirected_request', undefined, { region: this.settings.region });
    if (!SUPPORTED_VERSIONS.includes(call.version)) throw new ApiError('unsupported_version');
    if (call.req.method !== 'POST') throw validation('Only POST is supported for this action');
    if (call.bodyTooLarge) throw new ApiError('entity_too_large');
    if (call.bodyText.trim() === '') return {};
    // The docs list `Content-Type: application/json` as a required header; the SDKs always send it.
    if (!contentTypeIs(call.req, 'application/json')) throw validation('Content-Type must be application/json');
    const parsed = parseJson(call.bodyText);
    if (!parsed.ok) throw validation('Invalid JSON');
    if (!isPlainObject(parsed.value)) throw validation('Request payload must be an object');
    return parsed.value;
  }

  fail(res: ServerResponse, error: unknown): void {
    const apiError = error instanceof ApiError ? error : new ApiError('internal');
    sendJson(res, this.statuses.statusOf(apiError), apiError.body());
  }
}
