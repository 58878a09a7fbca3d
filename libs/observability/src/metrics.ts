import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'ab_' });

const MS = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const metrics = {
  transfers: new Counter({ name: 'ab_transfers_total', help: 'Hand-offs started', labelNames: ['trigger', 'provider'], registers: [registry] }),
  relayed: new Counter({ name: 'ab_messages_relayed_total', help: 'Messages delivered', labelNames: ['direction', 'provider'], registers: [registry] }),
  deliveryFailures: new Counter({ name: 'ab_delivery_failures_total', help: 'Messages given up after their last attempt', labelNames: ['direction', 'provider'], registers: [registry] }),
  deliveryRetries: new Counter({ name: 'ab_delivery_retries_total', help: 'Delivery attempts that failed and will be retried', labelNames: ['direction', 'provider'], registers: [registry] }),
  webhookAck: new Histogram({ name: 'ab_webhook_ack_seconds', help: 'Time to acknowledge a platform event', labelNames: ['event'], buckets: MS, registers: [registry] }),
  relayLatency: new Histogram({ name: 'ab_relay_seconds', help: 'From a message being received to its delivery', labelNames: ['direction', 'provider'], buckets: MS, registers: [registry] }),
  providerCalls: new Histogram({ name: 'ab_provider_call_seconds', help: 'Calls to desks', labelNames: ['provider', 'operation', 'outcome'], buckets: MS, registers: [registry] }),
  sessions: new Gauge({ name: 'ab_sessions', help: 'Agent sessions by state (open ones)', labelNames: ['state', 'provider'], registers: [registry] }),
  queueJobs: new Gauge({ name: 'ab_queue_jobs', help: 'BullMQ jobs by queue and state', labelNames: ['queue', 'state'], registers: [registry] }),
  duplicatesAvoided: new Counter({ name: 'ab_duplicates_avoided_total', help: 'Deliveries that ran again after a crash and found the message already on the platform', labelNames: ['direction'], registers: [registry] }),
  longestWait: new Gauge({ name: 'ab_longest_wait_seconds', help: 'The longest a waiting user has waited for an agent', registers: [registry] }),
  laneRetries: new Counter({ name: 'ab_lane_retries_total', help: 'Lane items retried in place (reason: outage or failed)', labelNames: ['kind', 'reason'], registers: [registry] }),
  laneDeadLetters: new Counter({ name: 'ab_lane_dead_letters_total', help: 'Lane items dead-lettered (reason: refused, failed or outage)', labelNames: ['kind', 'reason'], registers: [registry] }),
  laneDeadLettersOpen: new Gauge({ name: 'ab_lane_dead_letters_open', help: 'Dead-lettered lane items not retried yet', registers: [registry] }),
  laneTakeovers: new Counter({ name: 'ab_lane_takeovers_total', help: 'Lanes taken over from a holder that stopped (crashed or lost)', labelNames: ['kind'], registers: [registry] }),
  laneLeasesLost: new Counter({ name: 'ab_lane_leases_lost_total', help: 'Drains that found their lane lease taken while handling an item', labelNames: ['kind'], registers: [registry] }),
  queueWorkers: new Gauge({ name: 'ab_queue_workers', help: 'BullMQ workers consuming each queue, on any instance (0: timers and retries wait)', labelNames: ['queue'], registers: [registry] }),
};

export async function timedProviderCall<T>(provider: string, operation: string, run: () => Promise<T>): Promise<T> {
  const end = metrics.providerCalls.startTimer({ provider, operation });
  try {
    const result = await run();
    end({ outcome: 'ok' });
    return result;
  } catch (error) {
    end({ outcome: 'error' });
    throw error;
  }
}
