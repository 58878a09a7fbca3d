import { registerLiveChatWebhooks } from '@agent-bridge/providers';
import type { AppConfig } from '@agent-bridge/config';
import { SANDBOX_DEFAULTS, type LiveChatSim } from '../apps/livechat-sim/src';

export const LIVECHAT_SECRET = 'livechat-webhook-secret-for-tests';

/** The bridge's LiveChat settings for the sandbox `lc` (its default app and licence). */
export function livechatSettings(lc: LiveChatSim, extra: Partial<AppConfig['livechat']> = {}) {
  return {
    apiUrl: lc.url,
    accountsUrl: lc.url,
    organizationId: SANDBOX_DEFAULTS.organizationId,
    clientId: SANDBOX_DEFAULTS.clientId,
    clientSecret: SANDBOX_DEFAULTS.clientSecret,
    refreshToken: SANDBOX_DEFAULTS.refreshToken,
    webhookSecret: LIVECHAT_SECRET,
    closeGraceMs: 300,
    ...extra,
  };
}

/** What users run once (npm run livechat:webhooks), against the sandbox's Configuration API. */
export function registerSandboxWebhooks(lc: LiveChatSim, bridgeUrl: string): ReturnType<typeof registerLiveChatWebhooks> {
  return registerLiveChatWebhooks({
    apiUrl: lc.url,
    pat: { accountId: SANDBOX_DEFAULTS.patAccountId, token: SANDBOX_DEFAULTS.patToken },
    clientId: SANDBOX_DEFAULTS.clientId,
    url: `${bridgeUrl}/webhooks/livechat`,
    secret: LIVECHAT_SECRET,
  });
}
