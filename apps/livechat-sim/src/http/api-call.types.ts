import type { IncomingMessage, ServerResponse } from 'node:http';

export interface ApiCall {
  req: IncomingMessage;
  res: ServerResponse;
  version: string;
  action: string;
  query: URLSearchParams;
  bodyText: string;
  bodyTooLarge: boolean;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
