export { PlatformSim } from './platform-sim.facade';
export type {
  AuthVariant,
  BotVariable,
  CallFilter,
  ClientEventType,
  HttpResult,
  PlatformSimOptions,
  RecordedCall,
  SendEventInput,
  SendEventResult,
  SimBot,
  Tone,
  WebClientApp,
} from './sim.types';
