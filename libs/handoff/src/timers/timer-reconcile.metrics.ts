import { Counter } from 'prom-client';
import { registry } from '@agent-bridge/observability';

/** Non-zero only after Redis lost data. */
export const timerMetrics = {
  restored: new Counter({
    name: 'ab_timers_restored_total',
    help: 'Session timers re-created from Postgres after Redis lost them',
    labelNames: ['timer'],
    registers: [registry],
  }),
  drainsRequeued: new Counter({
    name: 'ab_outbox_drains_requeued_total',
    help: 'Delivery drains re-queued for pending outbox messages whose job Redis lost',
    labelNames: ['direction'],
    registers: [registry],
  }),
};
