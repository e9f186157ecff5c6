import type { CounterpartySource, PriceTypeRef, ProductSource } from '../../domain/bitrix24-projection';
import type { CourierData } from '../../domain/mirror-records';

/** The kinds with a Bitrix24 copy of their own; prices, stock and variants are part of their product's. */
export type CopiedKind = 'products' | 'counterparties' | 'couriers';

/** Which Bitrix24 entity a mirror row was last written to, and the hash of what was written. */
export interface Bitrix24Link {
  readonly bitrixId: string | null;
  /** `projectionHash` of the last write; null when nothing was written (or a correction must be forced). */
  readonly bitrixHash: string | null;
}

export type Linked<T> = T & { readonly link: Bitrix24Link };

export interface CourierSource {
  readonly onecId: string;
  readonly data: CourierData;
}

/**
 * Port: the mirror as its Bitrix24 copies are made from it, read as committed now (a change still being written is
 * announced once it commits, and read then), and the link to each copy. Writing a link never changes a row's
 * content, version or change order: clients reading the mirror do not see it as a change.
 */
export abstract class Bitrix24Sources {
  /** Base products (variants are part of them) with their variants, prices and stock; absent ids are left out. */
  abstract products(onecIds: readonly string[]): Promise<Map<string, Linked<ProductSource>>>;

  abstract counterparties(onecIds: readonly string[]): Promise<Map<string, Linked<CounterpartySource>>>;

  abstract courier(onecId: string): Promise<Linked<CourierSource> | undefined>;

  /** Every price type, in the order 1C first sent them. */
  abstract priceTypes(): Promise<PriceTypeRef[]>;

  /** The 1C ids of base products or counterparties after `after`, in 1C id order, in any state. */
  abstract page(kind: 'products' | 'counterparties', after: string | undefined, limit: number): Promise<string[]>;

  abstract saveLink(kind: CopiedKind, onecId: string, link: Bitrix24Link): Promise<void>;
}
