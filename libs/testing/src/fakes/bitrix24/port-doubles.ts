import { IntegrationError } from '@app/core';
import {
  Bitrix24InboundHandler,
  CourierDirectory,
  CrmItemGateway,
  ProductCatalogGateway,
  RemoteEntityDirectory,
  type Bitrix24EntityKind,
  type Bitrix24Representation,
  type Courier,
  type InboundChange,
  type ProductUpsert,
  type RemoteEntityPage,
  type RemoteEntitySnapshot,
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

type MappingEntry = Readonly<Record<string, unknown>> & {
  readonly fields?: Readonly<Record<string, string>>;
  readonly multiFields?: Readonly<Record<string, unknown>>;
  readonly stages?: Readonly<Record<string, string>>;
};

const CRM_ITEMS: readonly Bitrix24Representation[] = ['smart_process', 'company', 'contact'];
const WRITTEN: readonly Bitrix24Representation[] = [...CRM_ITEMS, 'catalog_product'];

/** An entity the double's portal holds that was not written through the gateway (the UI, another integration). */
export interface ForeignEntity {
  readonly kind: string;
  readonly bitrixId: string;
  readonly externalId?: string;
  fields: Record<string, unknown>;
}

/**
 * In-memory doubles of the Bitrix24 connector's ports, for unit tests of the domain modules that use them. They keep
 * the ports' promises and fail where the real adapters fail: an upsert of the same external id updates the same
 * entity, never a second one; an unmapped status or kind is refused with the same error kind and code.
 */
export class InMemoryCrmItemGateway extends CrmItemGateway {
  /** By `kind:externalId`: the last request, and every field written so far (an update keeps what it does not send). */
  readonly items = new Map<string, { bitrixId: string; request: UpsertRequest; fields: Record<string, unknown> }>();
  /** By Bitrix24 id, see {@link InMemoryRemoteEntityDirectory.addRemote}. */
  readonly foreign = new Map<string, ForeignEntity>();
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
    const adopted = request.adoptBitrixId === undefined ? undefined : this.foreign.get(request.adoptBitrixId);
    const bitrixId = request.adoptBitrixId ?? existing?.bitrixId ?? String(this.nextId++);
    // An adopted entity leaves the foreign ones with what it held, and is ours from now on.
    this.foreign.delete(bitrixId);
    this.items.set(key, {
      bitrixId,
      request,
      fields: { ...adopted?.fields, ...existing?.fields, ...definedOf(request.fields) },
    });
    return Promise.resolve({
      kind: request.kind,
      externalId: request.externalId,
      bitrixId,
      created: !existing && request.adoptBitrixId === undefined,
    });
  }

  /** As the real adapter judges an adoption ({@link UpsertRequest.adoptBitrixId}), from what this double holds. */
  private adoptRefusal(request: UpsertRequest): Error | undefined {
    const bitrixId = request.adoptBitrixId!;
    const conflict = (reason: string) =>
      refused(
        'permanent',
        'BITRIX24_ADOPT_CONFLICT',
        `Cannot adopt ${request.kind} ${bitrixId} as ${request.externalId}: ${reason}`,
      );
    const holder = [...this.items].find(
      ([key, item]) => item.bitrixId === bitrixId && key !== `${request.kind}:${request.externalId}`,
    );
    if (holder) {
      return conflict(`${request.kind} ${bitrixId} is already linked to external id ${holder[1].request.externalId}`);
    }
    const own = this.items.get(`${request.kind}:${request.externalId}`);
    if (own && own.bitrixId !== bitrixId) {
      return conflict(`external id ${request.externalId} is already linked to ${request.kind} ${own.bitrixId}`);
    }
    const foreign = this.foreign.get(bitrixId);
    if (!own && (!foreign || foreign.kind !== request.kind)) {
      return refused('permanent', 'BITRIX24_NOT_FOUND', `Cannot adopt ${request.kind} ${bitrixId}: no such item`);
    }
    if (foreign?.externalId !== undefined && foreign.externalId !== request.externalId) {
      return conflict(`${request.kind} ${bitrixId} carries external id ${foreign.externalId}`);
    }
    return undefined;
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
    return request.adoptBitrixId === undefined ? undefined : this.adoptRefusal(request);
  }

  /** Ids come from one sequence, whoever creates the entity. */
  addForeign(kind: string, fields: Record<string, unknown>, externalId?: string): string {
    const bitrixId = String(this.nextId++);
    this.foreign.set(bitrixId, { kind, bitrixId, ...(externalId === undefined ? {} : { externalId }), fields });
    return bitrixId;
  }
}

export class InMemoryProductCatalogGateway extends ProductCatalogGateway {
  /** By external id: every field written so far (an update keeps what it does not send). */
  readonly products = new Map<string, { bitrixId: string; fields: Record<string, unknown> }>();
  readonly foreign = new Map<string, ForeignEntity>();
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
        this.products.set(product.externalId, {
          bitrixId,
          fields: { ...existing?.fields, ...definedOf(product.fields) },
        });
        return { status: 'fulfilled', value: { kind, externalId: product.externalId, bitrixId, created: !existing } };
      }),
    );
  }

  addForeign(kind: string, fields: Record<string, unknown>, externalId?: string): string {
    const bitrixId = String(this.nextId++);
    this.foreign.set(bitrixId, { kind, bitrixId, ...(externalId === undefined ? {} : { externalId }), fields });
    return bitrixId;
  }
}

/**
 * The portal the gateway doubles wrote to, as the directory port shows it, plus drift for a domain's reconcile
 * tests: entities added behind our back (`addRemote`, with a stray external id or none), edited (`editRemote`) and
 * deleted (`deleteRemote`). Multi-fields are kept as written, so `drift` compares loosely (flags Y/N and booleans
 * alike, numbers by value, lists in any order) but does not reformat phones as the real adapter's comparison does.
 */
export class InMemoryRemoteEntityDirectory extends RemoteEntityDirectory {
  constructor(
    private readonly setup: Bitrix24DoubleSetup,
    readonly crm: InMemoryCrmItemGateway,
    readonly catalog: InMemoryProductCatalogGateway,
  ) {
    super();
  }

  list(kind: string, page: { readonly after?: string; readonly limit?: number } = {}): Promise<RemoteEntityPage> {
    return attempt(() => {
      this.mapped(kind);
      const limit = page.limit ?? 50;
      if (!Number.isInteger(limit) || limit < 1 || limit > 200 || !/^(0|[1-9]\d*)$/.test(page.after ?? '0')) {
        throw refused('permanent', 'BITRIX24_INVALID_REQUEST', `${kind}: bad page ${JSON.stringify(page)}`);
      }
      const rest = this.entities(kind)
        .filter((entity) => entity.externalId !== undefined && Number(entity.bitrixId) > Number(page.after ?? 0))
        .map((entity) => this.snapshot(kind, entity));
      const items = rest.slice(0, limit);
      return rest.length > limit ? { items, next: items[items.length - 1].bitrixId } : { items };
    });
  }

  updateById(kind: string, bitrixId: string, fields: Readonly<Record<string, unknown>>): Promise<void> {
    return attempt(() => {
      const mapping = this.mapped(kind);
      const entity = this.entities(kind).find((candidate) => candidate.bitrixId === bitrixId);
      if (!entity) {
        throw refused('permanent', 'BITRIX24_NOT_FOUND', `${kind} ${bitrixId} does not exist`);
      }
      Object.assign(entity.fields, pick(definedOf(fields), mappedNames(mapping)));
    });
  }

  drift(snapshot: RemoteEntitySnapshot, fields: Readonly<Record<string, unknown>>): string[] {
    const names = mappedNames(this.mapped(snapshot.kind));
    return Object.entries(definedOf(fields))
      .filter(([name, value]) => names.includes(name) && loose(value) !== loose(snapshot.fields[name]))
      .map(([name]) => name);
  }

  /** An entity created in Bitrix24 behind our back; our field names. Returns its Bitrix24 id. */
  addRemote(kind: string, fields: Record<string, unknown>, externalId?: string): string {
    return this.isCatalog(kind)
      ? this.catalog.addForeign(kind, fields, externalId)
      : this.crm.addForeign(kind, fields, externalId);
  }

  /** A user's edit in Bitrix24 of any entity of the kind, ours or not. */
  editRemote(kind: string, bitrixId: string, fields: Record<string, unknown>): void {
    const entity = this.entities(kind).find((candidate) => candidate.bitrixId === bitrixId);
    if (!entity) {
      throw new Error(`${kind} ${bitrixId} does not exist`);
    }
    Object.assign(entity.fields, fields);
  }

  deleteRemote(kind: string, bitrixId: string): void {
    const stores: Array<Map<string, { bitrixId: string }>> = this.isCatalog(kind)
      ? [this.catalog.products, this.catalog.foreign]
      : [this.crm.items, this.crm.foreign];
    for (const store of stores) {
      for (const [key, entity] of store) {
        if (entity.bitrixId === bitrixId && (store !== this.crm.items || key.startsWith(`${kind}:`))) {
          store.delete(key);
        }
      }
    }
  }

  /** Every entity of the kind the portal holds, in Bitrix24 id order; `fields` are the live records. */
  private entities(kind: string): ForeignEntity[] {
    const ours: ForeignEntity[] = this.isCatalog(kind)
      ? [...this.catalog.products].map(([externalId, entity]) => ({ kind, externalId, ...entity }))
      : [...this.crm.items]
          .filter(([key]) => key.startsWith(`${kind}:`))
          .map(([, entity]) => ({ kind, externalId: entity.request.externalId, ...entity }));
    const foreign = [...(this.isCatalog(kind) ? this.catalog.foreign : this.crm.foreign).values()].filter(
      (entity) => entity.kind === kind,
    );
    return [...ours, ...foreign].sort((a, b) => Number(a.bitrixId) - Number(b.bitrixId));
  }

  private snapshot(kind: string, entity: ForeignEntity): RemoteEntitySnapshot {
    return {
      kind,
      bitrixId: entity.bitrixId,
      externalId: entity.externalId!,
      fields: pick(entity.fields, mappedNames(this.setup.mapping.entities[kind])),
    };
  }

  private isCatalog(kind: string): boolean {
    return this.setup.kinds.find((candidate) => candidate.name === kind)?.representation === 'catalog_product';
  }

  /** The mapping of a writable kind, or the refusal the real adapter gives. */
  private mapped(kind: string): MappingEntry {
    const registered = this.setup.kinds.find((candidate) => candidate.name === kind);
    if (!registered || !WRITTEN.includes(registered.representation)) {
      throw refused('permanent', 'BITRIX24_INVALID_REQUEST', `${kind} is not a registered kind the connector writes`);
    }
    const mapping = this.setup.mapping.entities[kind];
    if (!mapping) {
      throw refused('unavailable', 'BITRIX24_NOT_MAPPED', `${kind} has no Bitrix24 mapping`);
    }
    return mapping;
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

function mappedNames(mapping: MappingEntry): string[] {
  return [...Object.keys(mapping.fields ?? {}), ...Object.keys(mapping.multiFields ?? {})];
}

function pick(fields: Readonly<Record<string, unknown>>, names: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([name]) => names.includes(name)));
}

/** What an upsert writes: a field sent as undefined is not sent. */
function definedOf(fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/** A value as the portal would compare it: flags as Y/N, numbers by value, lists in any order, blanks alike. */
function loose(value: unknown): string {
  if (Array.isArray(value)) {
    return JSON.stringify(value.map(loose).sort());
  }
  if (typeof value === 'boolean') {
    return value ? 'Y' : 'N';
  }
  if (value === null || value === undefined) {
    return '';
  }
  const text = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : JSON.stringify(value);
  return text !== '' && Number.isFinite(Number(text)) ? String(Number(text)) : text;
}

/** Runs a synchronous port call as the async one, its refusal as a rejection. */
function attempt<T>(run: () => T): Promise<T> {
  return new Promise((resolve) => resolve(run()));
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
