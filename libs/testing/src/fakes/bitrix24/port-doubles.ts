import { IntegrationError } from '@app/core';
import {
  Bitrix24InboundHandler,
  CourierDirectory,
  CrmItemGateway,
  ProductCatalogGateway,
  type Bitrix24EntityKind,
  type Bitrix24Representation,
  type Courier,
  type InboundChange,
  type ProductUpsert,
  type UpsertRequest,
  type UpsertResult,
} from '@app/bitrix24';

/**
 * What a double needs to answer as the real adapter would: the kinds the app registers and the mapping file's
 * content (which kinds it maps, and their stages). `describe*Contract` in libs/testing holds both to the same
 * assertions.
 */
export interface Bitrix24DoubleSetup {
  readonly kinds: readonly Bitrix24EntityKind[];
  /** As in BITRIX24_MAPPING_FILE; the doubles read which kinds it maps, and their stages. */
  readonly mapping: {
    readonly entities: Readonly<Record<string, MappingEntry>>;
  };
}

type MappingEntry = Readonly<Record<string, unknown>> & { readonly stages?: Readonly<Record<string, string>> };

const CRM_ITEMS: readonly Bitrix24Representation[] = ['smart_process', 'company', 'contact'];

/**
 * In-memory doubles of the Bitrix24 connector's ports, for unit tests of the domain modules that use them. They keep
 * the ports' promises and fail where the real adapters fail: an upsert of the same external id updates the same
 * entity, never a second one; an unmapped status or kind is refused with the same error kind and code.
 */
export class InMemoryCrmItemGateway extends CrmItemGateway {
  readonly items = new Map<string, { bitrixId: string; request: UpsertRequest }>();
  readonly calls: UpsertRequest[] = [];
  /** The next upserts fail with this error (e.g. an IntegrationError), one per entry. */
  readonly failures: Error[] = [];
  private nextId = 1;

  constructor(private readonly setup: Bitrix24DoubleSetup) {
    super();
  }

  upsert(request: UpsertRequest): Promise<UpsertResult> {
    this.calls.push(request);
    const failure = this.failures.shift() ?? this.refusal(request);
    if (failure) {
      return Promise.reject(failure);
    }
    const key = `${request.kind}:${request.externalId}`;
    const existing = this.items.get(key);
    const bitrixId = existing?.bitrixId ?? String(this.nextId++);
    this.items.set(key, { bitrixId, request });
    return Promise.resolve({ kind: request.kind, externalId: request.externalId, bitrixId, created: !existing });
  }

  private refusal(request: UpsertRequest): Error | undefined {
    const kind = this.setup.kinds.find((candidate) => candidate.name === request.kind);
    if (!kind || !CRM_ITEMS.includes(kind.representation)) {
      return refused('permanent', 'BITRIX24_INVALID_REQUEST', `${request.kind} is not a registered CRM item kind`);
    }
    const mapped = this.setup.mapping.entities[request.kind];
    if (!mapped) {
      return refused('unavailable', 'BITRIX24_NOT_MAPPED', `${request.kind} has no Bitrix24 mapping`);
    }
    if (request.status !== undefined && !Object.hasOwn(mapped.stages ?? {}, request.status)) {
      return refused(
        'permanent',
        'BITRIX24_UNMAPPED_STATUS',
        `Status "${request.status}" of ${request.kind} has no stage`,
      );
    }
    return undefined;
  }
}

export class InMemoryProductCatalogGateway extends ProductCatalogGateway {
  readonly products = new Map<string, { bitrixId: string; fields: Readonly<Record<string, unknown>> }>();
  private nextId = 1;

  constructor(private readonly setup: Bitrix24DoubleSetup) {
    super();
  }

  upsertMany(products: readonly ProductUpsert[]): Promise<PromiseSettledResult<UpsertResult>[]> {
    const kind = mappedKindOf(this.setup, 'catalog_product');
    return Promise.resolve(
      products.map((product): PromiseSettledResult<UpsertResult> => {
        if (kind === undefined) {
          return { status: 'rejected', reason: notMapped('catalog products') };
        }
        const existing = this.products.get(product.externalId);
        const bitrixId = existing?.bitrixId ?? String(this.nextId++);
        this.products.set(product.externalId, { bitrixId, fields: product.fields });
        return { status: 'fulfilled', value: { kind, externalId: product.externalId, bitrixId, created: !existing } };
      }),
    );
  }
}

export class InMemoryCourierDirectory extends CourierDirectory {
  constructor(
    private readonly setup: Bitrix24DoubleSetup,
    readonly couriers: Courier[] = [],
  ) {
    super();
  }

  listCouriers(): Promise<Courier[]> {
    return this.mapped(() => this.couriers.filter((courier) => courier.active && courier.externalId !== undefined));
  }

  findByExternalId(externalId: string): Promise<Courier | undefined> {
    return this.mapped(() => this.couriers.find((courier) => courier.externalId === externalId));
  }

  private mapped<T>(read: () => T): Promise<T> {
    return mappedKindOf(this.setup, 'user') === undefined
      ? Promise.reject(notMapped('portal users'))
      : Promise.resolve(read());
  }
}

/** An inbound handler that keeps what it is given; a test's subclass says which kinds it owns. */
export abstract class RecordingInboundHandler extends Bitrix24InboundHandler {
  readonly changes: InboundChange[] = [];

  apply(change: InboundChange): Promise<void> {
    this.changes.push(change);
    return Promise.resolve();
  }
}

function mappedKindOf(setup: Bitrix24DoubleSetup, representation: Bitrix24Representation): string | undefined {
  return setup.kinds.find((kind) => kind.representation === representation && kind.name in setup.mapping.entities)
    ?.name;
}

function notMapped(what: string): IntegrationError {
  return refused('unavailable', 'BITRIX24_NOT_MAPPED', `No entity kind is mapped as ${what}`);
}

function refused(kind: IntegrationError['kind'], code: string, message: string): IntegrationError {
  return new IntegrationError(kind, code, message, { system: 'bitrix24' });
}
