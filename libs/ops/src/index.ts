export { OpsModule, OpsAuthModule } from './ops.module';
export { QUEUE_DASHBOARD_PATH, QueueDashboardPolicy } from './queue-dashboard.policy';
export { OpsAuthService } from './ops-auth.service';
export { OpsStatsService } from './ops-stats.service';
export type { OpsSummary } from './ops-stats.service';
