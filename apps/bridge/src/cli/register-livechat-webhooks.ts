import { loadConfigOrExit } from '@agent-bridge/config';
import { registerLiveChatWebhooks } from '@agent-bridge/providers';

/**
 * `npm run livechat:webhooks`: registers the LiveChat license webhooks that point at this bridge.
 * Needs a Personal Access Token of a LiveChat administrator: LIVECHAT_PAT and LIVECHAT_ACCOUNT_ID.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit({ ...process.env, HANDOFF_PROVIDER: 'livechat' });
  const token = process.env.LIVECHAT_PAT;
  const accountId = process.env.LIVECHAT_ACCOUNT_ID;
  if (!token || !accountId) {
    console.error('LIVECHAT_PAT and LIVECHAT_ACCOUNT_ID are required (a Personal Access Token with webhooks.configuration:rw)');
    process.exit(78);
  }
  const url = `${config.publicUrl}/webhooks/livechat`;
  const result = await registerLiveChatWebhooks({
    apiUrl: config.livechat.apiUrl,
    pat: { accountId, token },
    clientId: config.livechat.clientId,
    url,
    secret: config.livechat.webhookSecret,
  });
  console.log(`LiveChat webhooks for ${url}: registered ${result.registered.join(', ') || 'none'}; already there ${result.kept.join(', ') || 'none'}`);
}

main().catch((error: unknown) => {
  console.error(`registering LiveChat webhooks failed: ${(error as Error).message}`);
  process.exit(1);
});
