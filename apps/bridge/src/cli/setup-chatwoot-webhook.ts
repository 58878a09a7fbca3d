import { loadConfigOrExit } from '@agent-bridge/config';
import { setupChatwootWebhook } from '@agent-bridge/providers';

/**
 * `npm run chatwoot:setup`: registers the Chatwoot account webhook that points at this bridge
 * (idempotent). Account webhooks are an administrator's: CHATWOOT_ADMIN_TOKEN, else the API token.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit({ ...process.env, HANDOFF_PROVIDER: 'chatwoot' });
  const token = process.env.CHATWOOT_ADMIN_TOKEN?.trim() || config.chatwoot.apiToken;
  const routeUrl = `${config.publicUrl}/webhooks/chatwoot`;
  const result = await setupChatwootWebhook({
    url: config.chatwoot.url,
    accountId: config.chatwoot.accountId,
    inboxId: config.chatwoot.inboxId,
    token,
    routeUrl,
    webhookSecret: config.chatwoot.webhookSecret,
  });
  // The URL holds the path secret: printed with it masked.
  console.log(`Chatwoot webhook ${result.webhookId} for ${routeUrl}/<CHATWOOT_WEBHOOK_SECRET>: ${result.outcome}`);
  if (result.replaced.length) console.log(`replaced our older webhook(s) ${result.replaced.join(', ')} (another path secret)`);
  if (result.signingSecret && result.signingSecret !== config.chatwoot.signingSecret) {
    console.log(`Chatwoot signs this webhook: set CHATWOOT_WEBHOOK_SIGNING_SECRET=${result.signingSecret} on every bridge to have unsigned requests refused`);
  } else if (!result.signingSecret) {
    console.log('This Chatwoot does not sign webhooks (before 4.11.2): the path secret alone authenticates them');
  }
}

main().catch((error: unknown) => {
  console.error(`setting up the Chatwoot webhook failed: ${(error as Error).message}`);
  process.exit(1);
});
