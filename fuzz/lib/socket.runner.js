'use strict';
// The console's socket events, fuzzed on one signed-in agent's socket. An event the gateway knows
// must be answered (an ack); Nest's "exception" event with an internal error counts as a 5xx.
const { io } = require('socket.io-client');

const KNOWN = new Set(['presence:set', 'queue:accept', 'conversation:sync', 'message:send', 'note:add', 'typing', 'message:read', 'canned:list', 'agents:list', 'conversation:transfer', 'conversation:close', 'conversation:context', 'conversation:past']);

class ConsoleSocketRunner {
  constructor(bridgeUrl, token, agentId) {
    this.bridgeUrl = bridgeUrl;
    this.token = token;
    this.agentId = agentId;
    this.knownIds = [];
    this.exceptions = 0;
  }

  async open() {
    this.socket = this.connect(this.token);
    this.socket.on('exception', (error) => {
      if (/internal server error/i.test(String(error?.message ?? ''))) this.exceptions++;
    });
    // Real conversation ids, so that accept, send, close and transfer reach more than "not allowed".
    const remember = (id) => typeof id === 'string' && !this.knownIds.includes(id) && this.knownIds.push(id);
    this.socket.on('queue', (queue) => (queue?.items ?? []).forEach((item) => remember(item.conversationId)));
    this.socket.on('conversation', (view) => remember(view?.id));
    await new Promise((resolve, reject) => (this.socket.once('connect', resolve), this.socket.once('connect_error', reject)));
  }

  connect(token) {
    return io(`${this.bridgeUrl}/console`, { auth: token === undefined ? {} : { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  }

  /** 'ack', 'no-ack' (a known event left unanswered: a failure), 'unknown-event' (no handler, no ack: expected). */
  async emit(spec) {
    let payload = spec.payload;
    if (payload && typeof payload === 'object' && !Array.isArray(payload)) {
      payload = { ...payload };
      if (payload.conversationId === '$known') payload.conversationId = this.knownIds.length ? this.knownIds[spec.knownIndex % this.knownIds.length] : '00000000-0000-4000-8000-000000000000';
      if (payload.toAgentId === '$admin') payload.toAgentId = this.agentId;
    }
    const known = KNOWN.has(spec.event);
    if (!this.socket.connected) return 'disconnected';
    try {
      await this.socket.timeout(known ? 10_000 : 300).emitWithAck(spec.event, payload);
      return 'ack';
    } catch {
      return known ? 'no-ack' : 'unknown-event';
    }
  }

  /** A handshake with a bad token must be refused (connect_error), never accepted. */
  async tryConnect(spec) {
    const token = spec.token === '$expired' ? this.token.replace(/\.[^.]+$/, '.x') : spec.token;
    const socket = this.connect(token);
    try {
      return await new Promise((resolve) => {
        const timer = setTimeout(() => resolve('no-answer'), 10_000);
        socket.once('connect', () => (clearTimeout(timer), resolve('connected')));
        socket.once('connect_error', () => (clearTimeout(timer), resolve('refused')));
      });
    } finally {
      socket.close();
    }
  }

  close() {
    this.socket?.close();
  }
}

module.exports = { ConsoleSocketRunner };
