import { Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { AGENTS_ROOM, BOARD_ROOM, CONSOLE_NAMESPACE, SUPERVISORS_ROOM, agentRoom, type ServerToClientEvents } from '../desk/console-events';
import { ConsoleProvider } from '../desk/console.provider';
import { InstanceRegistry } from '@agent-bridge/persistence';
import { AgentRepository, type Agent } from '../agents/agent.repository';
import { AgentAuthService } from '../auth/agent-auth.service';
import { AgentGraceService } from '../presence/agent-grace.service';
import { PresenceService } from '../presence/presence.service';
import { DispositionRepository } from '../dispositions/disposition.repository';
import { AgentTeamsRepository } from '../teams/agent-teams.repository';
import { ConsoleActionsService, type Ack } from './console-actions.service';
import { ConsoleContextService } from './console-context.service';
import { BoardService } from '../supervision/board.service';
import { SupervisorActionsService, isSupervisor } from '../supervision/supervisor-actions.service';

interface SocketData {
  agent: Agent;
  /** The supervisors' board page: it watches and acts, but is no agent's seat (no presence, no chats of its own). */
  board: boolean;
  /** The offline messages page: it only listens for `offline`, and is no seat either. */
  offline: boolean;
}

type ConsoleSocket = Socket<Record<string, never>, ServerToClientEvents, Record<string, never>, SocketData>;

@WebSocketGateway({ namespace: CONSOLE_NAMESPACE, cors: false })
export class ConsoleGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(ConsoleGateway.name);

  @WebSocketServer() namespace!: Namespace;

  constructor(
    private readonly auth: AgentAuthService,
    private readonly agents: AgentRepository,
    private readonly presence: PresenceService,
    private readonly provider: ConsoleProvider,
    private readonly actions: ConsoleActionsService,
    private readonly context: ConsoleContextService,
    private readonly grace: AgentGraceService,
    private readonly registry: InstanceRegistry,
    private readonly dispositions: DispositionRepository,
    private readonly memberships: AgentTeamsRepository,
    private readonly board: BoardService,
    private readonly supervision: SupervisorActionsService,
  ) {}

  afterInit(namespace: Namespace): void {
    // Our registration was lost (Redis emptied, or we stalled and were reaped), but our agents are here.
    this.registry.onRejoin(async () => {
      const sockets = [...namespace.sockets.values()].filter((s) => s.data?.agent).map((s) => ({ agentId: (s.data as SocketData).agent.id, socketId: s.id }));
      if (sockets.length === 0) return;
      await this.presence.rejoined(sockets);
      await this.provider.route('instance rejoined');
    });
    namespace.use((socket, next) => {
      this.auth.authenticate(socket.handshake.auth?.token ?? socket.handshake.headers.authorization).then(
        (agent) => {
          if (!agent) return next(new Error('unauthorized'));
          (socket.data as SocketData).agent = agent;
          (socket.data as SocketData).board = socket.handshake.auth?.view === 'board';
          (socket.data as SocketData).offline = socket.handshake.auth?.view === 'offline';
          next();
        },
        () => next(new Error('unavailable')),
      );
    });
  }

  async handleConnection(socket: ConsoleSocket): Promise<void> {
    const agent = socket.data.agent;
    if (socket.data.offline) {
      // The rooms `offline` is sent to; what else reaches them the page ignores.
      await socket.join([agentRoom(agent.id), ...(agent.role === 'agent' ? [] : [SUPERVISORS_ROOM])]);
      socket.emit('session', { agent: { id: agent.id, name: agent.name, email: agent.email, role: agent.role, maxChats: agent.maxChats }, status: 'offline-messages' });
      return;
    }
    if (socket.data.board) {
      // Agents get nothing here: the board's events are for supervisors' sockets only.
      if (isSupervisor(agent)) await socket.join([agentRoom(agent.id), SUPERVISORS_ROOM]);
      socket.emit('session', { agent: { id: agent.id, name: agent.name, email: agent.email, role: agent.role, maxChats: agent.maxChats }, status: 'board' });
      return;
    }
    await socket.join([agentRoom(agent.id), AGENTS_ROOM, ...(agent.role === 'agent' ? [] : [SUPERVISORS_ROOM])]);
    const status = await this.presence.connected(agent.id, socket.id);
    socket.emit('session', { agent: { id: agent.id, name: agent.name, email: agent.email, role: agent.role, maxChats: agent.maxChats }, status });
    await this.actions.sendSnapshot(socket, agent);
    this.logger.log(`agent ${agent.id} connected`);
    this.board.changed();
    if (status === 'available') await this.provider.route('agent connected');
  }

  async handleDisconnect(socket: ConsoleSocket): Promise<void> {
    const agent = socket.data.agent;
    if (!agent || socket.data.board || socket.data.offline) return;
    try {
      const left = await this.presence.disconnected(agent.id, socket.id);
      this.board.changed();
      if (left === 0) await this.grace.start(agent.id);
    } catch (error) {
      // Stores may be gone during shutdown; the socket set heals on the next connect.
      this.logger.warn(`agent ${agent.id} disconnect not recorded: ${(error as Error).message}`);
    }
  }

  @SubscribeMessage('presence:set')
  async setPresence(@ConnectedSocket() socket: ConsoleSocket, @MessageBody() body: { status?: unknown }): Promise<Ack> {
    if (body?.status !== 'available' && body?.status !== 'away') return { ok: false, error: 'status must be available or away' };
    await this.presence.set(socket.data.agent.id, body.status);
    this.board.changed();
    if (body.status === 'available') await this.provider.route('agent available');
    return { ok: true };
  }

  @SubscribeMessage('queue:accept')
  accept(@ConnectedSocket() socket: ConsoleSocket, @MessageBody() body: { conversationId?: unknown }): Promise<Ack> {
    return this.actions.accept(socket.data.agent, body?.conversationId);
  }

  @SubscribeMessage('conversation:sync')
  sync(@ConnectedSocket() socket: ConsoleSocket, @MessageBody() body: { conversationId?: unknown; after?: unknown }): Promise<Ack> {
    return this.actions.sync(socket.data.agent, body?.conversationId, body?.after);
  }

  @SubscribeMessage('message:send')
  send(@ConnectedSocket() socket: ConsoleSocket, @MessageBody() body: { conversationId?: unknown; clientId?: unknown; text?: unknown }): Promise<Ack> {
    return this.actions.send(socket.data.agent, body?.conversationId, body?.clientId, body?.text);
  }

  @SubscribeMessage('note:add')
  note(@ConnectedSocket() socket: ConsoleSocket, @MessageBody() body: { conversationId?: unknown; text?: unknown; clientId?: unknown }): Promise<Ack> {
    return this.actions.note(socket.data.agent, body?.conversationId, body?.text, body?.clientId);
  }

  @SubscribeMessage('typing')
  typing(): Ack {
    // The Kore platform has no way to show an agent typing to the user; accepted and dropped.
    return { ok: true };
  }

  @SubscribeMessage('message:read')
  read(): Ack {
    return { ok: true };
  }

  @SubscribeMessage('canned:list')
  async canned(@ConnectedSocket() socket: ConsoleSocket): Promise<Ack> {
    return { ok: true, items: await this.memberships.cannedFor(socket.data.agent.id) };
  }

  @SubscribeMessage('dispositions:list')
  async dispositionsList(): Promise<Ack> {
    return { ok: true, items: await this.dispositions.offered() };
  }

  @SubscribeMessage('agents:list')
  agentsList(): Promise<Ack> {
    return this.actions.agentsList();
  }

  @SubscribeMessage('conversation:transfer')
  transfer(@ConnectedSocket() socket: ConsoleSocket, @MessageBody() body: { conversationId?: unknown; toAgentId?: unknown; toTeamId?: unknown; note?: unknown }): Promise<Ack> {
    return this.actions.transfer(socket.data.agent, body?.conversationId, body?.toAgentId, body?.note, body?.toTeamId);
  }

  @SubscribeMessage('conversation:context')
  contextPanel(@ConnectedSocket() socket: ConsoleSocket, @MessageBody() body: { conversationId?: unknown }): Promise<Ack> {
    return this.context.context(socket.data.agent, body?.conversationId);
  }

  @SubscribeMessage('conversation:past')
  past(@ConnectedSocket() socket: ConsoleSocket, @MessageBody() body: { conversationId?: unknown; pastId?: unknown }): Promise<Ack> {
    return this.context.past(socket.data.agent, body?.conversationId, body?.pastId);
  }

  @SubscribeMessage('conversation:close')
  close(@ConnectedSocket() socket: ConsoleSocket, @MessageBody() body: { conversationId?: unknown; disposition?: unknown }): Promise<Ack> {
    return this.actions.close(socket.data.agent, body?.conversationId, body?.disposition);
  }

  /** Joins the board's room and answers the board as it is now; later changes are pushed as `board`. */
  @SubscribeMessage('board:watch')
  async watchBoard(@ConnectedSocket() socket: ConsoleSocket): Promise<Ack> {
    if (!isSupervisor(socket.data.agent)) return { ok: false, error: 'not allowed' };
    await socket.join(BOARD_ROOM);
    return { ok: true, board: await this.board.snapshot() };
  }

  @SubscribeMessage('supervisor:whisper')
  whisper(@ConnectedSocket() socket: ConsoleSocket, @MessageBody() body: { conversationId?: unknown; text?: unknown; clientId?: unknown }): Promise<Ack> {
    return this.supervision.whisper(socket.data.agent, body?.conversationId, body?.text, body?.clientId);
  }

  @SubscribeMessage('supervisor:take-over')
  takeOver(@ConnectedSocket() socket: ConsoleSocket, @MessageBody() body: { conversationId?: unknown }): Promise<Ack> {
    return this.supervision.takeOver(socket.data.agent, body?.conversationId);
  }

  @SubscribeMessage('supervisor:reassign')
  reassign(@ConnectedSocket() socket: ConsoleSocket, @MessageBody() body: { conversationId?: unknown; toAgentId?: unknown }): Promise<Ack> {
    return this.supervision.reassign(socket.data.agent, body?.conversationId, body?.toAgentId);
  }
}
