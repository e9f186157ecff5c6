import type { UpsertResult } from './upsert.port';

/** One product as the catalog port takes it: our id and our field names (mapped by the mapping file). */
export interface ProductUpsert {
  readonly externalId: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/**
 * Port: products of the Bitrix24 catalog (`catalog.product.*`), our id in `xmlId`, written as the one kind the
 * mapping maps as a `catalog_product`. Same no-duplicate guarantee as {@link CrmItemGateway}; without a mapped
 * catalog kind every product fails with unavailable `BITRIX24_NOT_MAPPED`.
 */
export abstract class ProductCatalogGateway {
  /** Settles every product; the results (or errors) come back in input order. */
  abstract upsertMany(products: readonly ProductUpsert[]): Promise<PromiseSettledResult<UpsertResult>[]>;
}
