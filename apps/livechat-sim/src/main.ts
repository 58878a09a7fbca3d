import { LiveChatSim } from './livechat-sim.facade';
import { SANDBOX_DEFAULTS } from './sim.options';

/** Reads the bridge's own variable names, so one environment starts both; logs ids and statuses, never secrets or message texts. */
const WEBHOOK_ACTIONS = ['incoming_chat', 'incoming_event', 'chat_deactivated', 'user_added_to_chat', 'user_removed_from_chat', 'chat_transferred'];

function env(name: string, fallback: string): string {
  const value = process.env[name]?.trim();
  return value ? value : fallback;
}

function int(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`${name} must be a non-negative integer (got "${raw}")`);
    process.exit(78);
  }
  return value;
}

/** The licence's groups besides General (0), for teams' `desk_groups.livechat`: "1,2,7". */
function groups(name: string): number[] {
  const raw = process.env[name]?.trim();
  if (!raw) return [];
  const ids = raw.split(',').map((part) => part.trim());
  if (!ids.every((id) => /^\d{1,9}$/.test(id))) {
    console.error(`${name} must be group numbers separated by commas (got "${raw}")`);
    process.exit(78);
  }
  return ids.map(Number);
}

async function main(): Promise<void> {
  const webhookSecret = env('LIVECHAT_WEBHOOK_SECRET', SANDBOX_DEFAULTS.webhookSecret);
  const quiet = process.env.LIVECHAT_SIM_QUIET === 'true';
  const sim = new LiveChatSim({
    port: int('LIVECHAT_SIM_PORT', 4100),
    host: env('LIVECHAT_SIM_HOST', '127.0.0.1'),
    region: env('LIVECHAT_SIM_REGION', 'dal'),
    organizationId: env('LIVECHAT_ORGANIZATION_ID', SANDBOX_DEFAULTS.organizationId),
    licenseId: env('LIVECHAT_LICENSE_ID', SANDBOX_DEFAULTS.licenseId),
    clientId: env('LIVECHAT_CLIENT_ID', SANDBOX_DEFAULTS.clientId),
    clientSecret: env('LIVECHAT_CLIENT_SECRET', SANDBOX_DEFAULTS.clientSecret),
    refreshToken: env('LIVECHAT_REFRESH_TOKEN', SANDBOX_DEFAULTS.refreshToken),
    pat: { accountId: env('LIVECHAT_SIM_PAT_ACCOUNT_ID', SANDBOX_DEFAULTS.patAccountId), token: env('LIVECHAT_SIM_PAT', SANDBOX_DEFAULTS.patToken) },
    tokenTtlSeconds: int('LIVECHAT_SIM_TOKEN_TTL_SECONDS', 28_800),
    inactivitySeconds: int('LIVECHAT_SIM_INACTIVITY_SECONDS', 600),
    v2KeepAliveSeconds: int('LIVECHAT_SIM_V2_KEEPALIVE_SECONDS', 30),
    webhooks: { timeoutMs: int('LIVECHAT_SIM_WEBHOOK_TIMEOUT_MS', 10_000) },
    groupIds: groups('LIVECHAT_SIM_GROUP_IDS'),
    log: quiet ? undefined : (line) => console.log(`[livechat-sim] ${line}`),
  });
  await sim.start();

  // Like registering in the Developer Console: lets the bridge receive webhooks without a PAT call.
  const webhookUrl = process.env.LIVECHAT_SIM_WEBHOOK_URL?.trim();
  if (webhookUrl) {
    for (const action of WEBHOOK_ACTIONS) sim.registerWebhook({ url: webhookUrl, action, secretKey: webhookSecret, filters: { only_my_chats: true } });
  }

  const c = sim.config;
  // Where the bridge reaches the sandbox, when that is not the listening address (another container).
  const advertised = process.env.LIVECHAT_SIM_PUBLIC_URL?.trim().replace(/\/+$/, '') || sim.url;
  // Sandbox credentials (the defaults or the values this process was given): printing them is the point.
  const lines = [
    `LiveChat sandbox listening on ${sim.url} (region ${c.region}, licence ${c.licenseId})`,
    `  agent page:     ${sim.url}/agent`,
    `  control API:    ${sim.url}/sim/state`,
    webhookUrl ? `  webhooks:       ${WEBHOOK_ACTIONS.length} actions registered to ${webhookUrl}` : '  webhooks:       none yet (set LIVECHAT_SIM_WEBHOOK_URL, or run npm run livechat:webhooks as below)',
    '',
    'Set in the bridge:',
    '  HANDOFF_PROVIDER=livechat',
    `  LIVECHAT_API_URL=${advertised}`,
    `  LIVECHAT_ACCOUNTS_URL=${advertised}`,
    `  LIVECHAT_ORGANIZATION_ID=${c.organizationId}`,
    `  LIVECHAT_LICENSE_ID=${c.licenseId}`,
    `  LIVECHAT_CLIENT_ID=${c.clientId}`,
    `  LIVECHAT_CLIENT_SECRET=${c.clientSecret}`,
    `  LIVECHAT_REFRESH_TOKEN=${c.refreshToken}`,
    `  LIVECHAT_WEBHOOK_SECRET=${webhookSecret}`,
    '',
    'Then register the webhooks (in the bridge\'s environment, with its PUBLIC_URL):',
    `  LIVECHAT_PAT=${c.pat.token} LIVECHAT_ACCOUNT_ID=${c.pat.accountId} npm run livechat:webhooks`,
  ];
  console.log(lines.join('\n'));

  const shutdown = (): void => {
    sim.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(`livechat-sim failed to start: ${(error as Error).message}`);
  process.exit(1);
});
