import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

const transactionStorage = new AsyncLocalStorage<EntityManager>();

/**
 * The ambient database transaction. Code that writes business rows, outbox events or idempotency records asks for
 * {@link manager}; whoever opened the unit of work decides when it commits. Nested `run` calls join the outer
 * transaction, so a service works the same whether an HTTP interceptor or a job opened the transaction.
 */
@Injectable()
export class UnitOfWork {
  constructor(private readonly dataSource: DataSource) {}

  /** The transaction's manager when one is open, otherwise the pool's. */
  get manager(): EntityManager {
    return transactionStorage.getStore() ?? this.dataSource.manager;
  }

  get inTransaction(): boolean {
    return transactionStorage.getStore() !== undefined;
  }

  async run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const current = transactionStorage.getStore();
    if (current) {
      return work(current);
    }
    return this.dataSource.transaction((manager) => transactionStorage.run(manager, () => work(manager)));
  }
}
