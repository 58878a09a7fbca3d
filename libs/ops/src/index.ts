export { OpsModule, OpsAuthModule, QUEUE_DASHBOARD_PATH } from './ops.module';
export { OpsAuthService } from './ops-auth.service';
export { OpsStatsService } from './ops-stats.service';
export type { OpsSummary } from './ops-stats.service';
