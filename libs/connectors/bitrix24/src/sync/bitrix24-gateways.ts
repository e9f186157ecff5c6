import type { NewEvent } from '@app/events';
import { Injectable } from '@nestjs/common';
import { BITRIX24_DESTINATION, BITRIX24_UPSERT_REQUESTED } from '../bitrix24.constants';
import type { WritableKind } from '../mapping/bitrix24-mapping';
import type { UpsertRequest } from '../mapping/entity-codec';
import { UpsertBatcher, type UpsertResult } from './upsert-batcher';

export type CrmKind = Exclude<WritableKind, 'product'>;

/**
 * Port: our deliveries, instant orders, returns (smart-process items) and counterparties (companies, contacts) in
 * Bitrix24. `upsert` creates the item the first time and updates it after; repeated or retried calls never create a
 * second item (the external id is stored in `xmlId` / `originId` and looked up after an unanswered create).
 * Throws an IntegrationError the event backbone understands.
 */
export abstract class CrmItemGateway {
  abstract upsert(request: UpsertRequest & { readonly kind: CrmKind }): Promise<UpsertResult>;
}

/** One product as the catalog port takes it: our id and our field names (mapped by the mapping file). */
export interface ProductUpsert {
  readonly externalId: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** Port: products of the Bitrix24 catalog (`catalog.product.*`), our id in `xmlId`. Same guarantees as above. */
export abstract class ProductCatalogGateway {
  /** Settles every product; the results (or errors) come back in input order. */
  abstract upsertMany(products: readonly ProductUpsert[]): Promise<PromiseSettledResult<UpsertResult>[]>;
}

@Injectable()
export class BatchingCrmItemGateway extends CrmItemGateway {
  constructor(private readonly batcher: UpsertBatcher) {
    super();
  }

  upsert(request: UpsertRequest & { readonly kind: CrmKind }): Promise<UpsertResult> {
    return this.batcher.submit(request);
  }
}

@Injectable()
export class BatchingProductCatalogGateway extends ProductCatalogGateway {
  constructor(private readonly batcher: UpsertBatcher) {
    super();
  }

  upsertMany(products: readonly ProductUpsert[]): Promise<PromiseSettledResult<UpsertResult>[]> {
    return Promise.allSettled(products.map((product) => this.batcher.submit({ kind: 'product', ...product })));
  }
}

/**
 * The outbox event a domain module publishes (with EventPublisher, in the transaction of its change) to have an
 * entity written to Bitrix24 by the worker. One subject per entity keeps its writes in order.
 */
export function bitrix24UpsertEvent(request: UpsertRequest): NewEvent<UpsertRequest> {
  return {
    destination: BITRIX24_DESTINATION,
    type: BITRIX24_UPSERT_REQUESTED,
    subject: `${request.kind}:${request.externalId}`,
    data: request,
  };
}
