import { io, type Socket } from 'socket.io-client';
import { waitFor } from '@agent-bridge/testing';

export interface Received {
  event: string;
  data: any;
}

/** A real socket.io client of the console namespace, recording every event it receives. */
export class ConsoleClient {
  readonly received: Received[] = [];
  readonly socket: Socket;

  /** `auth`: more handshake fields (`view: 'board'` for the supervisors' board). */
  constructor(bridgeUrl: string, token: string | undefined, auth: Record<string, unknown> = {}) {
    this.socket = io(`${bridgeUrl}/console`, { auth: token === undefined ? auth : { ...auth, token }, transports: ['websocket'], reconnection: false, forceNew: true });
    this.socket.onAny((event: string, data: unknown) => this.received.push({ event, data }));
  }

  static async signIn(bridgeUrl: string, email: string, password: string): Promise<{ status: number; body: any }> {
    const res = await fetch(`${bridgeUrl}/console/api/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    return { status: res.status, body: await res.json() };
  }

  connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.connected) return resolve();
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', (error) => reject(error));
    });
  }

  connectError(): Promise<string> {
    return new Promise((resolve) => this.socket.once('connect_error', (error) => resolve(error.message)));
  }

  call(event: string, body: unknown): Promise<any> {
    return this.socket.timeout(5000).emitWithAck(event, body);
  }

  events(event: string): any[] {
    return this.received.filter((r) => r.event === event).map((r) => r.data);
  }

  async waitForEvent(event: string, predicate: (data: any) => boolean = () => true, timeoutMs = 8000): Promise<any> {
    return waitFor(`console event ${event}`, () => this.events(event).find(predicate), timeoutMs);
  }

  close(): void {
    this.socket.close();
  }
}
