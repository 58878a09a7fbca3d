import { PlatformSim } from '../platform-sim.facade';
import type { PlatformSimOptions, SimBot } from '../sim.types';
import { StandInBridge } from './stand-in-bridge.fixture';

export const BOT: SimBot = {
  botId: 'st-11111111-2222-5333-8444-555555555555',
  botName: 'Spec Bot',
  clientId: 'cs-spec-client',
  clientSecret: 'spec-secret-256',
};

export const BOT_512: SimBot = {
  botId: 'st-hs512-bot',
  clientId: 'cs-spec-512',
  clientSecret: 'spec-secret-512',
  jwtAlgorithm: 'HS512',
};

export const WEB_CLIENT = { clientId: 'cs-web-client', clientSecret: 'web-client-secret' };

export interface Harness {
  sim: PlatformSim;
  bridge: StandInBridge;
  stop(): Promise<void>;
}

/** A simulator on a free port wired to a stand-in bridge, with two bots (HS256 and HS512). */
export async function startHarness(options: Partial<PlatformSimOptions> = {}): Promise<Harness> {
  const bridge = new StandInBridge();
  const bridgeUrl = await bridge.start();
  const sim = new PlatformSim({ bridgeUrl, bots: [BOT, BOT_512], webClient: WEB_CLIENT, port: 0, log: () => undefined, ...options });
  await sim.start();
  return {
    sim,
    bridge,
    async stop() {
      await sim.stop();
      await bridge.stop();
    },
  };
}
