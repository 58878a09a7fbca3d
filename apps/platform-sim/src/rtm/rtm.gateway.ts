import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { WebSocket, WebSocketServer } from 'ws';
import type { ConversationFlow } from '../flow/conversation-flow.service';
import { isPlainObject } from '../http/json-io.helper';
import type { ClientEventType } from '../sim.types';
import type { BotRegistry } from '../state/bot.registry';
import type { ConversationEvent, ConversationStore } from '../state/conversation.store';
import type { RtmIdentity, RtmSessionStore } from './rtm-session.store';

const CLIENT_EVENTS: ReadonlySet<string> = new Set<ClientEventType>(['TYPING_STARTED', 'TYPING_STOPPED', 'MESSAGE_READ']);

interface Client {
  id: string;
  socket: WebSocket;
  identity: RtmIdentity;
}

export interface RtmGatewayDeps {
  bots: BotRegistry;
  sessions: RtmSessionStore;
  conversations: ConversationStore;
  flow: ConversationFlow;
  log: (line: string) => void;
}

export class RtmGateway {
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });
  private readonly clients = new Map<string, Set<Client>>();

  constructor(private readonly deps: RtmGatewayDeps) {
    deps.conversations.onChange((event) => this.push(event));
  }

  /** Takes an upgrade for `/rtm/bot`; any other path or a bad key is refused before the handshake. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const identity = url.pathname === '/rtm/bot' ? this.deps.sessions.consumeSocketKey(url.searchParams.get('key')) : undefined;
    if (!identity) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.server.handleUpgrade(req, socket, head, (ws) => this.attach(ws, identity));
  }

  close(): void {
    for (const set of this.clients.values()) for (const client of set) client.socket.terminate();
    this.clients.clear();
    this.server.close();
  }

  private attach(socket: WebSocket, identity: RtmIdentity): void {
    const client: Client = { id: randomUUID(), socket, identity };
    const key = this.keyOf(identity.botId, identity.userId);
    const set = this.clients.get(key) ?? new Set<Client>();
    set.add(client);
    this.clients.set(key, set);
    socket.on('message', (data) => this.receive(client, data.toString()));
    socket.on('close', () => {
      set.delete(client);
      if (set.size === 0 && this.clients.get(key) === set) this.clients.delete(key);
    });
    socket.on('error', () => socket.terminate());
  }

  private receive(client: Client, raw: string): void {
    let frame: unknown;
    try {
      frame = JSON.parse(raw);
    } catch {
      return this.send(client.socket, { ok: false, error: { msg: 'Invalid JSON' } });
    }
    if (!isPlainObject(frame)) return this.send(client.socket, { ok: false, error: { msg: 'Invalid message' } });
    if (frame.type === 'ping') return this.send(client.socket, { ok: true, type: 'pong' });
    const { botId, userId } = client.identity;
    const replyto = frame.id;
    if (frame.resourceid === '/bot.message') {
      const message = isPlainObject(frame.message) ? frame.message : undefined;
      if (typeof message?.body !== 'string' || message.body.length === 0 || replyto === undefined) {
        return this.send(client.socket, { ok: false, replyto, error: { msg: 'message.body and id are required' } });
      }
      this.ack(client, replyto);
      const text = message.body;
      this.run(this.deps.flow.userSays(botId, userId, text, { originSocket: client.id }));
      return;
    }
    if (frame.resourceid === '/bot.clientEvent') {
      const event = isPlainObject(frame.preDefinedEvent) ? frame.preDefinedEvent : undefined;
      if (typeof event?.type !== 'string' || !CLIENT_EVENTS.has(event.type)) {
        return this.send(client.socket, { ok: false, replyto, error: { msg: 'Unknown preDefinedEvent' } });
      }
      if (replyto !== undefined) this.ack(client, replyto);
      const id = typeof event.id === 'string' ? event.id : undefined;
      this.run(this.deps.flow.clientEvent(botId, userId, event.type as ClientEventType, id));
      return;
    }
    this.send(client.socket, { ok: false, replyto, error: { msg: 'Unknown resourceid' } });
  }

  private ack(client: Client, replyto: unknown): void {
    this.send(client.socket, { ok: true, replyto, message: 'delivered', type: 'ack' });
  }

  private push(event: ConversationEvent): void {
    const set = this.clients.get(this.keyOf(event.botId, event.userId));
    if (!set?.size) return;
    const bot = this.deps.bots.get(event.botId);
    const botInfo = { chatBot: bot?.botName ?? event.botId, taskBotId: event.botId };
    let frame: Record<string, unknown>;
    if (event.kind === 'outgoing') {
      frame = {
        type: 'bot_response',
        from: 'bot',
        messageId: event.message.id,
        // A template travels as the Web SDK reads it: `component` beside the text.
        message: [{ type: 'text', ...(event.message.template ? { component: event.message.template } : {}), cInfo: { body: event.message.text } }],
        botInfo,
        createdOn: new Date(event.message.at).toISOString(),
        icon: '',
      };
    } else if (event.kind === 'incoming') {
      frame = { botInfo, from: 'self', message: { body: event.message.text, attachments: [] }, id: event.message.at, type: 'user_message' };
    } else {
      frame = event.event;
    }
    const text = JSON.stringify(frame);
    for (const client of set) {
      if (event.kind === 'incoming' && client.id === event.originSocket) continue;
      if (client.socket.readyState === WebSocket.OPEN) client.socket.send(text);
    }
  }

  private send(socket: WebSocket, frame: unknown): void {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  }

  private run(work: Promise<unknown>): void {
    work.catch((error: unknown) => this.deps.log(`platform-sim: RTM message could not be handled: ${(error as Error).message}`));
  }

  private keyOf(botId: string, userId: string): string {
    return `${botId}\u0000${userId}`;
  }
}
