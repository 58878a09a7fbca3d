import type { BotkitEventName } from '@agent-bridge/botkit';
import { analyzeTone } from '../bot/tone.analyzer';
import type { ScriptedBot } from '../bot/scripted-bot.service';
import type { FlowHooks } from '../callbacks/callback-effects.service';
import type { EventSender } from '../events/event.sender';
import type { ClientEventType, SendEventInput, Tone } from '../sim.types';
import type { BotRegistry } from '../state/bot.registry';
import type { ConversationStore } from '../state/conversation.store';
import { RequestRegistry, type IssuedRequest } from '../state/request.registry';

export const NO_AGENT_TEXT = 'Sorry, no agent can take this chat right now.';

export interface FlowDeps {
  bots: BotRegistry;
  sender: EventSender;
  conversations: ConversationStore;
  registry: RequestRegistry;
  bot: ScriptedBot;
  subscriptions: ReadonlySet<BotkitEventName>;
  log: (line: string) => void;
}

/** Events the bridge does not subscribe to are skipped as the platform skips them: the message goes straight on. */
export class ConversationFlow implements FlowHooks {
  constructor(private readonly deps: FlowDeps) {}

  async userSays(
    botId: string,
    userId: string,
    text: string,
    opts: { tone?: Tone; originSocket?: string } = {},
  ): Promise<{ requestId: string; status: number }> {
    this.deps.bots.require(botId);
    const { conversations } = this.deps;
    const tone = opts.tone ?? analyzeTone(text);
    conversations.addIncoming(botId, userId, text, opts.originSocket);
    if (tone) conversations.addTone(botId, userId, tone);
    if (this.subscribed('on_user_message')) {
      const result = await this.deps.sender.send(
        { botId, userId, event: 'on_user_message', message: text },
        { fromFlow: true, userText: text, turnTone: tone, dialogTone: conversations.dialogTone(botId, userId) },
      );
      return { requestId: result.requestId, status: result.status };
    }
    const request = this.deps.registry.issue({
      requestId: RequestRegistry.newId(),
      botId,
      userId,
      event: 'user_message',
      userText: text,
      tone,
      fromFlow: true,
    });
    this.botReceives(request, text);
    return { requestId: request.requestId, status: 0 };
  }

  /** Status 0 when the bridge does not subscribe to on_client_event, so nothing was sent. */
  async clientEvent(botId: string, userId: string, type: ClientEventType, id?: string): Promise<{ status: number }> {
    this.deps.bots.require(botId);
    if (!this.subscribed('on_client_event')) return { status: 0 };
    const preDefinedEvent = id === undefined ? { type } : { type, id };
    const result = await this.deps.sender.send({ botId, userId, event: 'on_client_event' }, { fromFlow: true, preDefinedEvent });
    return { status: result.status };
  }

  botReceives(request: IssuedRequest, text: string): void {
    this.background('the bot turn', this.botTurn(request.botId, request.userId, text, request.tone));
  }

  webhookCompleted(request: IssuedRequest, context: Record<string, unknown>): void {
    if (!request.fromFlow || !request.componentName) return;
    const text = this.deps.bot.afterWebhook(request.componentName, context);
    this.background('the webhook answer', this.botSays(request.botId, request.userId, text, request.tone));
  }

  private async botTurn(botId: string, userId: string, text: string, tone: Tone | undefined): Promise<void> {
    const turn = this.deps.bot.turn(text);
    if (turn.kind === 'reply') return this.botSays(botId, userId, turn.text, tone);
    const base: SendEventInput = { botId, userId, event: '', message: text, route: 'component', tone };
    if (turn.kind === 'agent-transfer') {
      if (!this.subscribed('on_agent_transfer')) return this.botSays(botId, userId, NO_AGENT_TEXT, tone);
      await this.deps.sender.send({ ...base, event: 'on_agent_transfer', componentId: 'AgentTransfer' }, this.extras(botId, userId));
      return;
    }
    if (!this.subscribed('on_webhook')) return this.botSays(botId, userId, this.deps.bot.afterWebhook(turn.componentName, undefined), tone);
    const result = await this.deps.sender.send({ ...base, event: 'on_webhook', componentId: turn.componentName }, this.extras(botId, userId));
    // A 202 waits for serviceCallback; the platform takes a sync answer's context at once.
    if (result.status === 202) return;
    const context = result.status === 200 && result.body && typeof result.body === 'object' ? result.body.context : undefined;
    if (result.status === 200) this.deps.conversations.get(botId, userId).hookContext = context;
    const reply = result.status === 200 ? this.deps.bot.afterWebhook(turn.componentName, context) : `Sorry, ${turn.componentName} failed.`;
    return this.botSays(botId, userId, reply, tone);
  }

  private async botSays(botId: string, userId: string, text: string, tone: Tone | undefined): Promise<void> {
    if (!this.subscribed('on_bot_message')) {
      this.deps.conversations.deliver(botId, userId, text);
      return;
    }
    await this.deps.sender.send({ botId, userId, event: 'on_bot_message', message: text, tone }, this.extras(botId, userId));
  }

  private extras(botId: string, userId: string) {
    const dialogTone = this.deps.conversations.dialogTone(botId, userId);
    return { fromFlow: true, dialogTone: dialogTone.length ? dialogTone : undefined };
  }

  private subscribed(event: BotkitEventName): boolean {
    return this.deps.subscriptions.has(event);
  }

  // Callbacks answer the bridge at once; the platform's next step runs after, as it would there.
  private background(what: string, work: Promise<void>): void {
    work.catch((error: unknown) => this.deps.log(`platform-sim: ${what} failed: ${(error as Error).message}`));
  }
}
