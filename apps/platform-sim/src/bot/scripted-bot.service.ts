export type BotTurn =
  | { kind: 'reply'; text: string }
  | { kind: 'agent-transfer' }
  | { kind: 'webhook'; componentName: string };

export const GREETING = "Hello! I'm the sandbox bot. Say 'agent' to talk to a person, or 'book a cab' to run a webhook.";

export const DEFAULT_WEBHOOK_COMPONENTS: Readonly<Record<string, string>> = {
  'book a cab': 'BookTheCab',
  webhook: 'BookTheCab',
};

/** Just enough dialog to reach every node type the bridge handles (message, Agent Transfer, SDK webhook). */
export class ScriptedBot {
  private readonly webhooks: Array<[string, string]>;

  constructor(webhookComponents: Record<string, string> = DEFAULT_WEBHOOK_COMPONENTS) {
    // Longest phrase first, so a specific phrase wins over a general one it contains.
    this.webhooks = Object.entries(webhookComponents)
      .map(([phrase, name]): [string, string] => [phrase.toLowerCase(), name])
      .sort((a, b) => b[0].length - a[0].length);
  }

  turn(text: string): BotTurn {
    const lower = text.toLowerCase();
    if (/\b(agents?|humans?)\b/.test(lower)) return { kind: 'agent-transfer' };
    const hook = this.webhooks.find(([phrase]) => lower.includes(phrase));
    if (hook) return { kind: 'webhook', componentName: hook[1] };
    if (/^\s*(hi|hello|hey)\b/.test(lower)) return { kind: 'reply', text: GREETING };
    return { kind: 'reply', text: `You said: ${text}` };
  }

  afterWebhook(componentName: string, context: Record<string, unknown> | undefined): string {
    const outcome = context && typeof context === 'object' && 'successful' in context ? ` (successful: ${String(context.successful)})` : '';
    return `${componentName} finished${outcome}.`;
  }
}
