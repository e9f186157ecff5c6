import {
  Bitrix24InboundPort,
  CourierDirectory,
  CrmItemGateway,
  ProductCatalogGateway,
  type Courier,
  type CrmKind,
  type InboundChange,
  type ProductUpsert,
  type UpsertRequest,
  type UpsertResult,
} from '@app/bitrix24';

/**
 * In-memory doubles of the Bitrix24 connector's ports, for unit tests of the domain modules that use them. They keep
 * the ports' promises: an upsert of the same external id updates the same entity, never a second one.
 */
export class InMemoryCrmItemGateway extends CrmItemGateway {
  readonly items = new Map<string, { bitrixId: string; request: UpsertRequest }>();
  readonly calls: UpsertRequest[] = [];
  /** The next upserts fail with this error (e.g. an IntegrationError), one per entry. */
  readonly failures: Error[] = [];
  private nextId = 1;

  upsert(request: UpsertRequest & { readonly kind: CrmKind }): Promise<UpsertResult> {
    this.calls.push(request);
    const failure = this.failures.shift();
    if (failure) {
      return Promise.reject(failure);
    }
    const key = `${request.kind}:${request.externalId}`;
    const existing = this.items.get(key);
    const bitrixId = existing?.bitrixId ?? String(this.nextId++);
    this.items.set(key, { bitrixId, request });
    return Promise.resolve({ kind: request.kind, externalId: request.externalId, bitrixId, created: !existing });
  }
}

export class InMemoryProductCatalogGateway extends ProductCatalogGateway {
  readonly products = new Map<string, { bitrixId: string; fields: Readonly<Record<string, unknown>> }>();
  private nextId = 1;

  upsertMany(products: readonly ProductUpsert[]): Promise<PromiseSettledResult<UpsertResult>[]> {
    return Promise.resolve(
      products.map((product) => {
        const existing = this.products.get(product.externalId);
        const bitrixId = existing?.bitrixId ?? String(this.nextId++);
        this.products.set(product.externalId, { bitrixId, fields: product.fields });
        return {
          status: 'fulfilled' as const,
          value: { kind: 'product' as const, externalId: product.externalId, bitrixId, created: !existing },
        };
      }),
    );
  }
}

/** Collects what the connector would hand to the domain. */
export class RecordingInboundPort extends Bitrix24InboundPort {
  readonly changes: InboundChange[] = [];

  apply(change: InboundChange): Promise<void> {
    this.changes.push(change);
    return Promise.resolve();
  }
}

export class InMemoryCourierDirectory extends CourierDirectory {
  constructor(readonly couriers: Courier[] = []) {
    super();
  }

  listCouriers(): Promise<Courier[]> {
    return Promise.resolve(this.couriers.filter((courier) => courier.active && courier.externalId !== undefined));
  }

  findByExternalId(externalId: string): Promise<Courier | undefined> {
    return Promise.resolve(this.couriers.find((courier) => courier.externalId === externalId));
  }
}
