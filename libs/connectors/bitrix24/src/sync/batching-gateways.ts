import { Injectable } from '@nestjs/common';
import { Bitrix24Error } from '../client/bitrix24-error';
import { catalogMapping } from '../mapping/bitrix24-mapping';
import { Bitrix24MappingProvider } from '../mapping/mapping.provider';
import { CrmItemGateway } from '../ports/crm-item-gateway.port';
import { ProductCatalogGateway, type ProductUpsert } from '../ports/product-catalog-gateway.port';
import type { UpsertRequest, UpsertResult } from '../ports/upsert.port';
import { UpsertBatcher } from './upsert-batcher';

@Injectable()
export class BatchingCrmItemGateway extends CrmItemGateway {
  constructor(private readonly batcher: UpsertBatcher) {
    super();
  }

  upsert(request: UpsertRequest): Promise<UpsertResult> {
    return this.batcher.submit(request, ['smart_process', 'company', 'contact']);
  }
}

@Injectable()
export class BatchingProductCatalogGateway extends ProductCatalogGateway {
  constructor(
    private readonly batcher: UpsertBatcher,
    private readonly mappings: Bitrix24MappingProvider,
  ) {
    super();
  }

  upsertMany(products: readonly ProductUpsert[]): Promise<PromiseSettledResult<UpsertResult>[]> {
    const kind = catalogMapping(this.mappings.mapping)?.kind;
    return Promise.allSettled(
      products.map((product) =>
        kind === undefined
          ? Promise.reject(
              new Bitrix24Error('unavailable', 'BITRIX24_NOT_MAPPED', 'No entity kind is mapped as catalog products', {
                outcome: 'not_sent',
                retryAt: new Date(Date.now() + 5 * 60_000),
              }),
            )
          : this.batcher.submit({ kind, ...product }, ['catalog_product']),
      ),
    );
  }
}
