import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

const storage = new AsyncLocalStorage<{ correlationId: string }>();

export function correlationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

export function withCorrelation<T>(id: string | undefined, run: () => T): T {
  return storage.run({ correlationId: id && /^[\w.:-]{1,100}$/.test(id) ? id : randomUUID() }, run);
}

export function enterCorrelation(id: string | undefined): string {
  const value = id && /^[\w.:-]{1,100}$/.test(id) ? id : randomUUID();
  storage.enterWith({ correlationId: value });
  return value;
}
