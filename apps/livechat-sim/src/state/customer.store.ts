import { isoMicros, uuid } from '../common/ids.util';
import type { SimCustomer } from './chat.types';

export type CustomerUpdate = Partial<Pick<SimCustomer, 'name' | 'email' | 'avatar' | 'sessionFields'>>;

export class CustomerStore {
  private readonly customers = new Map<string, SimCustomer>();
  private readonly pending = new Map<string, CustomerUpdate>();

  create(clientId: string, name?: string): SimCustomer {
    const customer: SimCustomer = { id: uuid(), clientId, name, sessionFields: [], createdAt: isoMicros() };
    this.customers.set(customer.id, customer);
    return customer;
  }

  get(id: string): SimCustomer | undefined {
    return this.customers.get(id);
  }

  /** LiveChat applies profile changes made during an active chat only after it closes. */
  update(customer: SimCustomer, update: CustomerUpdate, chatActive: boolean): void {
    if (chatActive) this.pending.set(customer.id, { ...this.pending.get(customer.id), ...update });
    else Object.assign(customer, update);
  }

  applyPending(customerId: string): void {
    const update = this.pending.get(customerId);
    const customer = this.customers.get(customerId);
    this.pending.delete(customerId);
    if (update && customer) Object.assign(customer, update);
  }

  clear(): void {
    this.customers.clear();
    this.pending.clear();
  }
}
