import { ChatwootSim } from './chatwoot-sim.facade';
import { SANDBOX_DEFAULTS } from './sim.options';

/** Reads the bridge's own variable names, so one environment starts both; logs ids and statuses, never tokens or texts. */
function env(name: string, fallback: string): string {
  const value = process.env[name]?.trim();
  return value ? value : fallback;
}

function int(name: string, fallback: number, min = 0): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    console.error(`${name} must be an integer of at least ${min} (got "${raw}")`);
    process.exit(78);
  }
  return value;
}

function flag(name: string, fallback: boolean): boolean {
  const raw = process.env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (raw !== 'true' && raw !== 'false') {
    console.error(`${name} must be true or false (got "${raw}")`);
    process.exit(78);
  }
  return raw === 'true';
}

async function main(): Promise<void> {
  const quiet = flag('CHATWOOT_SIM_QUIET', false);
  // The bridge's name for the webhooks' signing secret (its CHATWOOT_WEBHOOK_SECRET is the URL's path secret).
  const secret = process.env.CHATWOOT_WEBHOOK_SIGNING_SECRET?.trim() || undefined;
  const sim = new ChatwootSim({
    port: int('CHATWOOT_SIM_PORT', 4200),
    host: env('CHATWOOT_SIM_HOST', '127.0.0.1'),
    accountId: int('CHATWOOT_ACCOUNT_ID', SANDBOX_DEFAULTS.accountId, 1),
    inboxId: int('CHATWOOT_INBOX_ID', SANDBOX_DEFAULTS.inboxId, 1),
    apiToken: env('CHATWOOT_API_TOKEN', SANDBOX_DEFAULTS.apiToken),
    webhookSecret: secret,
    signWebhooks: flag('CHATWOOT_SIM_SIGN_WEBHOOKS', true),
    autoAssign: flag('CHATWOOT_SIM_AUTO_ASSIGN', false),
    log: quiet ? undefined : (line) => console.log(`[chatwoot-sim] ${line}`),
  });
  await sim.start();

  // Like running `npm run chatwoot:setup` against it: the bridge receives webhooks at once.
  const webhookUrl = process.env.CHATWOOT_SIM_WEBHOOK_URL?.trim();
  if (webhookUrl) sim.registerWebhook({ url: webhookUrl, name: 'agent-bridge' });

  const s = sim.settings();
  const lines = [
    `Chatwoot sandbox listening on ${sim.url} (account ${s.accountId}, API inbox ${s.inboxId})`,
    `  agent page:   ${sim.url}/agent`,
    `  control API:  ${sim.url}/sim/state`,
    webhookUrl ? `  webhook:      every event to ${webhookUrl}` : '  webhooks:     none yet (set CHATWOOT_SIM_WEBHOOK_URL, or POST /api/v1/accounts/{id}/webhooks)',
    '',
    'Set in the bridge:',
    `  CHATWOOT_URL=${s.url}`,
    `  CHATWOOT_ACCOUNT_ID=${s.accountId}`,
    `  CHATWOOT_INBOX_ID=${s.inboxId}`,
    // The token is the sandbox default or the value this process was given; printing it is the point.
    `  CHATWOOT_API_TOKEN=${s.apiToken}`,
    secret
      ? '  CHATWOOT_WEBHOOK_SIGNING_SECRET: the value given to this process'
      : '  CHATWOOT_WEBHOOK_SIGNING_SECRET: the `secret` the webhook API returns (npm run chatwoot:setup prints it)',
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
  console.error(`chatwoot-sim failed to start: ${(error as Error).message}`);
  process.exit(1);
});
