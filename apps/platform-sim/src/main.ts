import type { BotkitEventName } from '@agent-bridge/botkit';
import { isSubscribableEvent } from './events/botkit-events.constants';
import { PlatformSim } from './platform-sim.facade';
import type { PlatformSimOptions } from './sim.types';

/** Kore's bot ids are `st-` and a UUID, and Kore's own BotKit SDK answers 500 to any other shape. */
const SANDBOX_BOT_ID = 'st-5a4db0c5-0b5a-4e5e-8a11-5a4db0c5a4d0';

/** Reads the bridge's own variables, so one environment starts both; prints ids and URLs, never secrets or messages. */
function optionsFromEnv(env: NodeJS.ProcessEnv): PlatformSimOptions {
  const problems: string[] = [];
  const port = Number(env.SIM_PORT ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push('SIM_PORT must be a port number');
  const algorithm = env.KORE_JWT_ALGORITHM ?? 'HS256';
  if (algorithm !== 'HS256' && algorithm !== 'HS512') problems.push('KORE_JWT_ALGORITHM must be HS256 or HS512');
  const clientId = env.KORE_CLIENT_ID;
  const clientSecret = env.KORE_CLIENT_SECRET;
  if (!clientId) problems.push('KORE_CLIENT_ID is required (the Client ID the bridge is configured with)');
  if (!clientSecret) problems.push('KORE_CLIENT_SECRET is required (the Client Secret the bridge is configured with)');
  const ttl = env.SIM_REQUEST_TTL_SECONDS ? Number(env.SIM_REQUEST_TTL_SECONDS) : undefined;
  if (ttl !== undefined && !(ttl > 0)) problems.push('SIM_REQUEST_TTL_SECONDS must be a positive number');
  const subscriptions = env.SIM_SUBSCRIPTIONS?.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = subscriptions?.filter((s) => !isSubscribableEvent(s)) ?? [];
  if (unknown.length) problems.push(`SIM_SUBSCRIPTIONS has unknown events: ${unknown.join(', ')}`);
  const webClient =
    env.SIM_WEB_CLIENT_ID && env.SIM_WEB_CLIENT_SECRET ? { clientId: env.SIM_WEB_CLIENT_ID, clientSecret: env.SIM_WEB_CLIENT_SECRET } : undefined;
  if (problems.length) throw new Error(`platform-sim cannot start:\n  - ${problems.join('\n  - ')}`);
  return {
    bridgeUrl: env.BRIDGE_URL ?? 'http://localhost:3000',
    port,
    host: env.SIM_HOST ?? '127.0.0.1',
    publicUrl: env.SIM_PUBLIC_URL,
    requestTtlSeconds: ttl,
    subscriptions: subscriptions as BotkitEventName[] | undefined,
    webClient,
    bots: [
      {
        botId: env.KORE_BOT_ID ?? SANDBOX_BOT_ID,
        botName: env.KORE_BOT_NAME ?? 'Sandbox Bot',
        clientId: clientId!,
        clientSecret: clientSecret!,
        jwtAlgorithm: algorithm as 'HS256' | 'HS512',
      },
    ],
  };
}

async function main(): Promise<void> {
  const options = optionsFromEnv(process.env);
  const sim = new PlatformSim(options);
  await sim.start();
  const botId = options.bots[0]!.botId;
  console.log(`platform-sim: Kore platform sandbox for bot ${botId} at ${sim.url}`);
  console.log(`platform-sim: sending BotKit events to ${options.bridgeUrl}/sdk/bots/${botId}/<event>`);
  console.log(`platform-sim: chat page: ${sim.url}/`);
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
  console.error((error as Error).message);
  process.exit(1);
});
