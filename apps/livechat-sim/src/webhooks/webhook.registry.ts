import { ApiError } from '../common/api-error';
import { hexId } from '../common/ids.util';
import type { RegisteredWebhook } from './webhook.types';

const MAX_PER_ACTION_PER_CLIENT = 3;

/** Indexed by action for the delivery hot path. */
export class WebhookRegistry {
  private readonly byId = new Map<string, RegisteredWebhook>();
  private readonly byAction = new Map<string, RegisteredWebhook[]>();
  private readonly enabledClients = new Set<string>();

  /** Webhooks are on by default for the app installed on the licence. */
  constructor(installedClientId: string) {
    this.enabledClients.add(installedClientId);
  }

  register(input: Omit<RegisteredWebhook, 'id'>): RegisteredWebhook {
    const siblings = this.byAction.get(input.action) ?? [];
    if (siblings.filter((w) => w.owner_client_id === input.owner_client_id).length >= MAX_PER_ACTION_PER_CLIENT) {
      throw new ApiError('limit_reached', 'Webhooks limit reached');
    }
    const webhook: RegisteredWebhook = { id: hexId(16), ...input };
    this.byId.set(webhook.id, webhook);
    this.byAction.set(webhook.action, [...siblings, webhook]);
    return webhook;
  }

  unregister(id: string, ownerClientId: string): void {
    const webhook = this.byId.get(id);
    if (!webhook || webhook.owner_client_id !== ownerClientId) throw new ApiError('not_found', 'Webhook not found');
    this.byId.delete(id);
    this.byAction.set(webhook.action, (this.byAction.get(webhook.action) ?? []).filter((w) => w.id !== id));
  }

  list(ownerClientId?: string): RegisteredWebhook[] {
    const all = [...this.byId.values()];
    return ownerClientId === undefined ? all : all.filter((w) => w.owner_client_id === ownerClientId);
  }

  forAction(action: string): readonly RegisteredWebhook[] {
    return this.byAction.get(action) ?? [];
  }

  setEnabled(clientId: string, enabled: boolean): void {
    if (enabled) this.enabledClients.add(clientId);
    else this.enabledClients.delete(clientId);
  }

  isEnabled(clientId: string): boolean {
    return this.enabledClients.has(clientId);
  }
}
