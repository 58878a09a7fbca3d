import { HandoffSchema1763700000000 } from './1763700000000-handoff-schema';
import { ProviderCustomers1763800000000 } from './1763800000000-provider-customers';
import { ConsoleAgents1763900000000 } from './1763900000000-console-agents';
import { AgentModeSeen1764000000000 } from './1764000000000-agent-mode-seen';
import { ConversationsFillfactor1764100000000 } from './1764100000000-conversations-fillfactor';
import { LatestPayloadJson1764200000000 } from './1764200000000-latest-payload-json';
import { LaneDeadLetters1764310000000 } from './1764310000000-lane-dead-letters';
import { ConsoleAdmin1764400000000 } from './1764400000000-console-admin';
import { ContactCentre1764500000000 } from './1764500000000-contact-centre';
import { AfterHours1764520000000 } from './1764520000000-after-hours';
import { ReportIndex1764550000000 } from './1764550000000-report-index';
import { ReportRollup1764560000000 } from './1764560000000-report-rollup';
import { CsatPendingIndex1764600000000 } from './1764600000000-csat-pending-index';

// Each has a real `down`, for revertLastMigration.
export const MIGRATIONS: Function[] = [HandoffSchema1763700000000, ProviderCustomers1763800000000, ConsoleAgents1763900000000, AgentModeSeen1764000000000,
  ConversationsFillfactor1764100000000, LatestPayloadJson1764200000000, LaneDeadLetters1764310000000,
  ConsoleAdmin1764400000000, ContactCentre1764500000000,
  AfterHours1764520000000, ReportIndex1764550000000, ReportRollup1764560000000, CsatPendingIndex1764600000000];
