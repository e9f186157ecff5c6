import { UnitOfWork } from '@app/core';
import { Injectable } from '@nestjs/common';
import { In, IsNull, MoreThan, type FindOptionsWhere } from 'typeorm';
import {
  Bitrix24Sources,
  type Bitrix24Link,
  type CopiedKind,
  type CourierSource,
  type Linked,
} from '../application/ports/bitrix24-sources.port';
import type {
  CounterpartySource,
  OfferPrice,
  OfferStock,
  PriceTypeRef,
  ProductSource,
} from '../domain/bitrix24-projection';
import {
  CounterpartyEntity,
  CourierEntity,
  MIRROR_ENTITY_OF,
  PriceEntity,
  PriceTypeEntity,
  ProductEntity,
  StockEntity,
  UnitEntity,
} from './mirror.entities';
import type { MirrorRowEntity } from './mirror-row.entity';

/**
 * The mirror's tables as the Bitrix24 copies read them: each read sees what is committed when it runs (a change
 * committed meanwhile is announced, and read again then). Links are written with plain SQL, leaving the row's
 * `updated_at` and change order alone: a link is not a change of the content clients read.
 */
@Injectable()
export class TypeormBitrix24Sources extends Bitrix24Sources {
  constructor(private readonly unitOfWork: UnitOfWork) {
    super();
  }

  private get manager() {
    return this.unitOfWork.manager;
  }

  async products(onecIds: readonly string[]): Promise<Map<string, Linked<ProductSource>>> {
    if (onecIds.length === 0) {
      return new Map();
    }
    const ids = [...onecIds];
    const rows = await this.manager
      .getRepository(ProductEntity)
      .find({ where: [{ onecId: In(ids), parentId: IsNull() }, { parentId: In(ids) }] });
    const bases = rows.filter((row) => row.parentId === null);
    const variants = rows.filter((row) => row.parentId !== null);
    const offers = rows.map((row) => row.onecId);
    const [prices, stock, units] = await Promise.all([
      this.manager.getRepository(PriceEntity).find({ where: { productId: In(offers) } }),
      this.manager.getRepository(StockEntity).find({ where: { productId: In(offers) } }),
      this.unitCodes(bases.map((row) => row.unitId).filter((id): id is string => id !== null)),
    ]);
    // Each offer (a product or a variant) to the base product whose catalog entry it adds to.
    const baseOfOffer = new Map(rows.map((row) => [row.onecId, row.parentId ?? row.onecId]));
    const baseOf = (offerId: string) => baseOfOffer.get(offerId);
    return new Map(
      bases.map((base) => [
        base.onecId,
        {
          onecId: base.onecId,
          active: isActive(base),
          data: base,
          unitCode: base.unitId === null ? null : (units.get(base.unitId) ?? null),
          activeVariants: variants
            .filter((variant) => variant.parentId === base.onecId && isActive(variant))
            .map((variant) => variant.onecId),
          prices: prices
            .filter((price) => baseOf(price.productId) === base.onecId)
            .map((price): OfferPrice => ({
              offerId: price.productId,
              priceTypeId: price.priceTypeId,
              price: price.price,
              currency: price.currency,
              active: isActive(price),
            })),
          stock: stock
            .filter((level) => baseOf(level.productId) === base.onecId)
            .map((level): OfferStock => ({
              offerId: level.productId,
              warehouseId: level.warehouseId,
              quantity: level.quantity,
              active: isActive(level),
            })),
          link: linkOf(base),
        },
      ]),
    );
  }

  async counterparties(onecIds: readonly string[]): Promise<Map<string, Linked<CounterpartySource>>> {
    if (onecIds.length === 0) {
      return new Map();
    }
    const rows = await this.manager.getRepository(CounterpartyEntity).find({ where: { onecId: In([...onecIds]) } });
    return new Map(
      rows.map((row) => [row.onecId, { onecId: row.onecId, active: isActive(row), data: row, link: linkOf(row) }]),
    );
  }

  async courier(onecId: string): Promise<Linked<CourierSource> | undefined> {
    const row = await this.manager.getRepository(CourierEntity).findOne({ where: { onecId } });
    return row ? { onecId: row.onecId, data: row, link: linkOf(row) } : undefined;
  }

  async priceTypes(): Promise<PriceTypeRef[]> {
    const rows = await this.manager.getRepository(PriceTypeEntity).find({ order: { createdAt: 'ASC', onecId: 'ASC' } });
    return rows.map((row) => ({ onecId: row.onecId, name: row.name, active: isActive(row) }));
  }

  async page(kind: 'products' | 'counterparties', after: string | undefined, limit: number): Promise<string[]> {
    const following = after === undefined ? {} : { onecId: MoreThan(after) };
    const where: FindOptionsWhere<ProductEntity> | FindOptionsWhere<CounterpartyEntity> =
      kind === 'products' ? { ...following, parentId: IsNull() } : following;
    const rows = await this.manager.getRepository<MirrorRowEntity>(MIRROR_ENTITY_OF[kind]).find({
      select: { onecId: true },
      where,
      order: { onecId: 'ASC' },
      take: limit,
    });
    return rows.map((row) => row.onecId);
  }

  async saveLink(kind: CopiedKind, onecId: string, link: Bitrix24Link): Promise<void> {
    const table = this.manager.getRepository(MIRROR_ENTITY_OF[kind]).metadata.tableName;
    await this.manager.query(`UPDATE ${table} SET bitrix_id = $2, bitrix_hash = $3 WHERE onec_id = $1`, [
      onecId,
      link.bitrixId,
      link.bitrixHash,
    ]);
  }

  private async unitCodes(unitIds: readonly string[]): Promise<Map<string, string | null>> {
    if (unitIds.length === 0) {
      return new Map();
    }
    const units = await this.manager.getRepository(UnitEntity).find({ where: { onecId: In([...new Set(unitIds)]) } });
    return new Map(units.map((unit) => [unit.onecId, unit.code]));
  }
}

function isActive(row: Pick<MirrorRowEntity, 'deleted' | 'deactivated'>): boolean {
  return !row.deleted && !row.deactivated;
}

function linkOf(row: Pick<MirrorRowEntity, 'bitrixId' | 'bitrixHash'>): Bitrix24Link {
  return { bitrixId: row.bitrixId, bitrixHash: row.bitrixHash };
}
