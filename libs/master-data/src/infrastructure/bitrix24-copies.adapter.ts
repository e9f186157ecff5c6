import { CrmItemGateway, ProductCatalogGateway, RemoteEntityDirectory } from '@app/bitrix24';
import { AppConfig, IntegrationError } from '@app/core';
import { Injectable, Logger } from '@nestjs/common';
import { Bitrix24Copies, type Bitrix24CopyPage } from '../application/ports/bitrix24-copies.port';
import type { Bitrix24CopyKind, Bitrix24Projection } from '../domain/bitrix24-projection';

/** As many as the directory serves at once: a reconcile lists every copy of a kind. */
const LIST_PAGE = 200;

/**
 * The copies through the Bitrix24 connector's ports: products by the catalog gateway, companies and contacts by the
 * CRM gateway (both create with our external id, so a retried write never doubles a copy), reads and writes by
 * Bitrix24 id through the remote-entity directory. The kinds are master data's registered ones (bitrix24-kinds.ts).
 */
@Injectable()
export class ConnectorBitrix24Copies extends Bitrix24Copies {
  private readonly logger = new Logger(ConnectorBitrix24Copies.name);

  constructor(
    private readonly catalog: ProductCatalogGateway,
    private readonly crmItems: CrmItemGateway,
    private readonly directory: RemoteEntityDirectory,
    private readonly config: AppConfig,
  ) {
    super();
  }

  isConfigured(): boolean {
    return this.config.bitrix24.authMode !== 'unconfigured';
  }

  async write(projection: Bitrix24Projection): Promise<string> {
    try {
      return await this.upsert(projection);
    } catch (error) {
      if (!(error instanceof IntegrationError && error.code === 'BITRIX24_NOT_FOUND')) {
        throw error;
      }
      // The copy was deleted in Bitrix24; the connector has forgotten it, so the same write now creates it again.
      this.logger.log(`${projection.kind} ${projection.externalId} was deleted in Bitrix24; creating it again`);
      return this.upsert(projection);
    }
  }

  update(kind: Bitrix24CopyKind, bitrixId: string, fields: Bitrix24Projection['fields']): Promise<void> {
    return this.directory.updateById(kind, bitrixId, fields);
  }

  async list(kind: Bitrix24CopyKind, after?: string): Promise<Bitrix24CopyPage> {
    const page = await this.directory.list(kind, { ...(after === undefined ? {} : { after }), limit: LIST_PAGE });
    return {
      items: page.items.map((item) => ({
        kind,
        bitrixId: item.bitrixId,
        externalId: item.externalId,
        fields: item.fields,
      })),
      ...(page.next === undefined ? {} : { next: page.next }),
    };
  }

  private async upsert({ kind, externalId, fields }: Bitrix24Projection): Promise<string> {
    if (kind !== 'product') {
      return (await this.crmItems.upsert({ kind, externalId, fields })).bitrixId;
    }
    const [result] = await this.catalog.upsertMany([{ externalId, fields }]);
    if (result.status === 'rejected') {
      throw result.reason;
    }
    return result.value.bitrixId;
  }
}
