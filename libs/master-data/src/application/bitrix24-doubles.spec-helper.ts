import { IntegrationError } from '@app/core';
import {
  differences,
  type Bitrix24CopyKind,
  type Bitrix24Projection,
  type CounterpartySource,
  type PriceTypeRef,
  type ProductSource,
} from '../domain/bitrix24-projection';
import type { ProductData } from '../domain/mirror-records';
import { Bitrix24Copies, type Bitrix24Copy, type Bitrix24CopyPage } from './ports/bitrix24-copies.port';
import {
  Bitrix24Sources,
  type Bitrix24Link,
  type CopiedKind,
  type CourierSource,
  type Linked,
} from './ports/bitrix24-sources.port';
import { Bitrix24Users } from './ports/bitrix24-users.port';

// In-memory doubles of master data's Bitrix24 ports, for the application's unit specs.

/** A portal: copies by Bitrix24 id, our external id on each, and every write kept. */
export class InMemoryBitrix24Copies extends Bitrix24Copies {
  readonly copies = new Map<string, { kind: Bitrix24CopyKind; externalId: string; fields: Record<string, unknown> }>();
  readonly writes: { call: 'write' | 'update'; kind: Bitrix24CopyKind; bitrixId: string; fields: object }[] = [];
  /** Fields the portal's mapping maps: only these are written and shown. */
  constructor(private readonly mapped: readonly string[] = ['name', 'price', 'quantity', 'active', 'phones']) {
    super();
  }
  private nextId = 1;

  isConfigured(): boolean {
    return true;
  }

  /** Bitrix24 ids whose writes fail. */
  readonly failing = new Set<string>();

  /** A copy made in the portal (or by another integration), without a write of ours. */
  add(kind: Bitrix24CopyKind, externalId: string, fields: Record<string, unknown>): string {
    const bitrixId = String(this.nextId++);
    this.copies.set(bitrixId, { kind, externalId, fields: this.pick(fields) });
    return bitrixId;
  }

  write(projection: Bitrix24Projection): Promise<string> {
    const found = [...this.copies.entries()].find(
      ([, copy]) => copy.kind === projection.kind && copy.externalId === projection.externalId,
    );
    const bitrixId = found?.[0] ?? this.add(projection.kind, projection.externalId, {});
    return this.update(projection.kind, bitrixId, projection.fields, 'write').then(() => bitrixId);
  }

  update(
    kind: Bitrix24CopyKind,
    bitrixId: string,
    fields: Bitrix24Projection['fields'],
    call: 'write' | 'update' = 'update',
  ): Promise<void> {
    const copy = this.copies.get(bitrixId);
    if (this.failing.has(bitrixId) || copy === undefined) {
      return Promise.reject(new IntegrationError('permanent', 'BITRIX24_NOT_FOUND', `no ${kind} ${bitrixId}`));
    }
    this.writes.push({ call, kind, bitrixId, fields });
    Object.assign(copy.fields, this.pick(fields));
    return Promise.resolve();
  }

  list(kind: Bitrix24CopyKind, after?: string): Promise<Bitrix24CopyPage> {
    // Pages of two, to exercise the paging.
    const all = [...this.copies.entries()]
      .filter(([bitrixId, copy]) => copy.kind === kind && Number(bitrixId) > Number(after ?? 0))
      .map(([bitrixId, copy]): Bitrix24Copy => ({
        kind,
        bitrixId,
        externalId: copy.externalId,
        fields: { ...copy.fields },
      }));
    const items = all.slice(0, 2);
    return Promise.resolve(all.length > 2 ? { items, next: items[1].bitrixId } : { items });
  }

  /** What differs between the mirror's projection and the copy carrying its id (for assertions). */
  drift(projection: Bitrix24Projection): string[] {
    const copy = [...this.copies.values()].find(
      (one) => one.kind === projection.kind && one.externalId === projection.externalId,
    );
    return copy ? differences(projection, copy.fields).map((one) => one.field) : ['missing'];
  }

  /** The mapped fields, flags as the portal echoes them. */
  private pick(fields: object): Record<string, unknown> {
    return Object.fromEntries(
      Object.entries(fields)
        .filter(([name]) => this.mapped.includes(name))
        .map(([name, value]) => [name, typeof value === 'boolean' ? (value ? 'Y' : 'N') : (value as unknown)]),
    );
  }
}

export class InMemoryBitrix24Users extends Bitrix24Users {
  readonly users = new Map<string, string>();

  userOfCourier(onecId: string): Promise<string | undefined> {
    return Promise.resolve(this.users.get(onecId));
  }
}

/** The mirror as the copies read it, with the links written back. */
export class InMemoryBitrix24Sources extends Bitrix24Sources {
  readonly productRows = new Map<string, ProductSource>();
  readonly counterpartyRows = new Map<string, CounterpartySource>();
  readonly courierRows = new Map<string, CourierSource>();
  readonly links = new Map<string, Bitrix24Link>();
  readonly types: PriceTypeRef[] = [{ onecId: 'retail', name: 'Розничная', active: true }];

  products(onecIds: readonly string[]): Promise<Map<string, Linked<ProductSource>>> {
    return Promise.resolve(this.linked('products', this.productRows, onecIds));
  }

  counterparties(onecIds: readonly string[]): Promise<Map<string, Linked<CounterpartySource>>> {
    return Promise.resolve(this.linked('counterparties', this.counterpartyRows, onecIds));
  }

  courier(onecId: string): Promise<Linked<CourierSource> | undefined> {
    return Promise.resolve(this.linked('couriers', this.courierRows, [onecId]).get(onecId));
  }

  priceTypes(): Promise<PriceTypeRef[]> {
    return Promise.resolve(this.types);
  }

  page(kind: 'products' | 'counterparties', after: string | undefined, limit: number): Promise<string[]> {
    const ids = [...(kind === 'products' ? this.productRows : this.counterpartyRows).keys()].sort();
    return Promise.resolve(ids.filter((id) => after === undefined || id > after).slice(0, limit));
  }

  saveLink(kind: CopiedKind, onecId: string, link: Bitrix24Link): Promise<void> {
    this.links.set(`${kind}:${onecId}`, link);
    return Promise.resolve();
  }

  linkOf(kind: CopiedKind, onecId: string): Bitrix24Link {
    return this.links.get(`${kind}:${onecId}`) ?? { bitrixId: null, bitrixHash: null };
  }

  private linked<T>(kind: CopiedKind, rows: Map<string, T>, ids: readonly string[]): Map<string, Linked<T>> {
    return new Map(
      ids.flatMap((id) => {
        const row = rows.get(id);
        return row === undefined ? [] : [[id, { ...row, link: this.linkOf(kind, id) }] as const];
      }),
    );
  }
}

export function productData(name: string): ProductData {
  return {
    origin: 'goods',
    parentId: null,
    characteristicId: null,
    name,
    fullName: null,
    article: null,
    code: null,
    barcodes: [],
    unitId: null,
    groupIds: [],
    vatRate: null,
    description: null,
    characteristics: [],
    properties: [],
    weight: null,
  };
}

/** A base product with one retail price and one stock row. */
export function productSource(onecId: string, price: string, options: { active?: boolean } = {}): ProductSource {
  return {
    onecId,
    active: options.active ?? true,
    data: productData(`Product ${onecId}`),
    unitCode: null,
    activeVariants: [],
    prices: [{ offerId: onecId, priceTypeId: 'retail', price, currency: 'RUB', active: true }],
    stock: [{ offerId: onecId, warehouseId: 'main', quantity: '5.000', active: true }],
  };
}
