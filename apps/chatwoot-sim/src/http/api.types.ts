import type { SimUser } from '../state/sim.types';
import type { Body } from '../validation/fields';

export interface ApiContext {
  accountId: number;
  /** The owner of the `api_access_token`. */
  user: SimUser;
  /** The route pattern's captures, e.g. a conversation's display id. */
  params: string[];
  query: URLSearchParams;
  body: Body;
}

/** `body: undefined` answers with an empty body (Rails' `head :ok`). */
export interface ApiAnswer {
  status?: number;
  body?: unknown;
}

export interface RouteDef {
  method: string | string[];
  /** Matched against the path after `/api/v1/accounts/{account_id}`. */
  pattern: RegExp;
  /** The name faults target. */
  name: string;
  handle: (ctx: ApiContext) => ApiAnswer;
}
