import { Column, Entity, Index } from 'typeorm';
import type { MasterDataKind } from '../domain/master-data-kind';
import type { NameValue } from '../domain/mirror-records';
import type { VatRate } from '../domain/vat-rate';
import { MirrorRowEntity } from './mirror-row.entity';

// One table per kind. Property names equal the fields of the kind's data (domain/mirror-records.ts); the JSDoc of
// each says where 1C's value comes from (docs/integrations/master-data.md has the full mapping).

const CHANGE_ORDER = ['changeTx', 'id'];

@Entity({ name: 'md_product_groups' })
@Index('idx_md_product_groups_change', CHANGE_ORDER)
@Index('idx_md_product_groups_parent', ['parentId'])
export class ProductGroupEntity extends MirrorRowEntity {
  /** `Группа/Наименование` */
  @Column({ type: 'text' })
  name!: string;

  /** `Ид` of the enclosing `Группа` */
  @Column({ type: 'text', nullable: true })
  parentId!: string | null;

  /** `Группа/Описание` */
  @Column({ type: 'text', nullable: true })
  description!: string | null;
}

@Entity({ name: 'md_units' })
@Index('idx_md_units_change', CHANGE_ORDER)
export class UnitEntity extends MirrorRowEntity {
  /** `Код` (OKEI) */
  @Column({ type: 'text', nullable: true })
  code!: string | null;

  /** `НаименованиеКраткое` */
  @Column({ type: 'text', nullable: true })
  name!: string | null;

  /** `НаименованиеПолное` */
  @Column({ type: 'text', nullable: true })
  fullName!: string | null;

  /** `МеждународноеСокращение` */
  @Column({ type: 'text', nullable: true })
  internationalAbbreviation!: string | null;
}

@Entity({ name: 'md_properties' })
@Index('idx_md_properties_change', CHANGE_ORDER)
export class PropertyEntity extends MirrorRowEntity {
  /** `Свойство/Наименование` */
  @Column({ type: 'text' })
  name!: string;

  /** `ТипЗначений` */
  @Column({ type: 'text', nullable: true })
  valueType!: string | null;

  /** `Множественное` */
  @Column({ type: 'boolean' })
  multiple!: boolean;

  /** `ДляТоваров` */
  @Column({ type: 'boolean', nullable: true })
  forProducts!: boolean | null;

  /** `ДляПредложений` */
  @Column({ type: 'boolean', nullable: true })
  forOffers!: boolean | null;

  /** `ВариантыЗначений/Справочник{ИдЗначения, Значение}` */
  @Column({ type: 'jsonb' })
  values!: { id: string | null; value: string }[];
}

@Entity({ name: 'md_price_types' })
@Index('idx_md_price_types_change', CHANGE_ORDER)
export class PriceTypeEntity extends MirrorRowEntity {
  /** `ТипЦены/Наименование` */
  @Column({ type: 'text' })
  name!: string;

  /** `Валюта`, as an ISO 4217 code where it can be told */
  @Column({ type: 'text', nullable: true })
  currency!: string | null;

  /** `Налог/УчтеноВСумме` of the VAT entry */
  @Column({ type: 'boolean', nullable: true })
  vatIncluded!: boolean | null;
}

@Entity({ name: 'md_warehouses' })
@Index('idx_md_warehouses_change', CHANGE_ORDER)
export class WarehouseEntity extends MirrorRowEntity {
  /** `Склад/Наименование` */
  @Column({ type: 'text' })
  name!: string;

  /** `Адрес/Представление` */
  @Column({ type: 'text', nullable: true })
  address!: string | null;

  /** `Комментарий` */
  @Column({ type: 'text', nullable: true })
  comment!: string | null;
}

@Entity({ name: 'md_products' })
@Index('idx_md_products_change', CHANGE_ORDER)
@Index('idx_md_products_parent', ['parentId'])
@Index('idx_md_products_article', ['article'])
export class ProductEntity extends MirrorRowEntity {
  /** `goods` (a `Товар`) or `offer` (a variant only an offer declares) */
  @Column({ type: 'text' })
  origin!: 'goods' | 'offer';

  /** The `Ид` before `#` of a variant; null for a product */
  @Column({ type: 'text', nullable: true })
  parentId!: string | null;

  /** The `Ид` after `#` of a variant */
  @Column({ type: 'text', nullable: true })
  characteristicId!: string | null;

  /** `Товар/Наименование` (a variant: `Предложение/Наименование`) */
  @Column({ type: 'text' })
  name!: string;

  /** `ПолноеНаименование` or the requisite `Полное наименование` */
  @Column({ type: 'text', nullable: true })
  fullName!: string | null;

  /** `Артикул` */
  @Column({ type: 'text', nullable: true })
  article!: string | null;

  /** `Код` */
  @Column({ type: 'text', nullable: true })
  code!: string | null;

  /** `Штрихкод` (the API may send several) */
  @Column({ type: 'jsonb' })
  barcodes!: string[];

  /** `БазоваяЕдиница`: a unit's `Ид`, or its `Код` */
  @Column({ type: 'text', nullable: true })
  unitId!: string | null;

  /** `Группы/Ид` */
  @Column({ type: 'jsonb' })
  groupIds!: string[];

  /** `СтавкиНалогов/СтавкаНалога` named НДС (domain/vat-rate.ts) */
  @Column({ type: 'text', nullable: true })
  vatRate!: VatRate | null;

  /** `Описание` */
  @Column({ type: 'text', nullable: true })
  description!: string | null;

  /** `ХарактеристикиТовара` of a variant */
  @Column({ type: 'jsonb' })
  characteristics!: NameValue[];

  /** `ЗначенияСвойств` */
  @Column({ type: 'jsonb' })
  properties!: { propertyId: string; values: string[] }[];

  /** `Вес`, kilograms */
  @Column({ type: 'numeric', precision: 15, scale: 3, nullable: true })
  weight!: string | null;
}

@Entity({ name: 'md_prices' })
@Index('idx_md_prices_change', CHANGE_ORDER)
@Index('idx_md_prices_product', ['productId'])
@Index('idx_md_prices_price_type', ['priceTypeId'])
export class PriceEntity extends MirrorRowEntity {
  /** `Предложение/Ид`: a product or a variant */
  @Column({ type: 'text' })
  productId!: string;

  /** `Цена/ИдТипаЦены` */
  @Column({ type: 'text' })
  priceTypeId!: string;

  /** `Цена/ЦенаЗаЕдиницу` */
  @Column({ type: 'numeric', precision: 15, scale: 2 })
  price!: string;

  /** `Цена/Валюта` (or the price type's) */
  @Column({ type: 'text' })
  currency!: string;

  /** `Цена/Единица` */
  @Column({ type: 'text', nullable: true })
  unit!: string | null;
}

@Entity({ name: 'md_stock' })
@Index('idx_md_stock_change', CHANGE_ORDER)
@Index('idx_md_stock_product', ['productId'])
@Index('idx_md_stock_warehouse', ['warehouseId'])
export class StockEntity extends MirrorRowEntity {
  /** `Предложение/Ид` */
  @Column({ type: 'text' })
  productId!: string;

  /** `Склад@ИдСклада` or `Остаток/Склад/Ид`; null for a total over every warehouse */
  @Column({ type: 'text', nullable: true })
  warehouseId!: string | null;

  /** `@КоличествоНаСкладе`, `Остаток/…/Количество` or `Предложение/Количество` */
  @Column({ type: 'numeric', precision: 15, scale: 3 })
  quantity!: string;
}

@Entity({ name: 'md_counterparties' })
@Index('idx_md_counterparties_change', CHANGE_ORDER)
@Index('idx_md_counterparties_inn', ['inn'])
@Index('idx_md_counterparties_bitrix', ['bitrixId'], { where: 'bitrix_id IS NOT NULL' })
export class CounterpartyEntity extends MirrorRowEntity {
  @Column({ type: 'text' })
  type!: 'organization' | 'person';

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  fullName!: string | null;

  @Column({ type: 'text', nullable: true })
  inn!: string | null;

  @Column({ type: 'text', nullable: true })
  kpp!: string | null;

  @Column({ type: 'jsonb' })
  phones!: string[];

  @Column({ type: 'jsonb' })
  emails!: string[];

  @Column({ type: 'jsonb' })
  addresses!: { type: string; presentation: string }[];
}

@Entity({ name: 'md_couriers' })
@Index('idx_md_couriers_change', CHANGE_ORDER)
export class CourierEntity extends MirrorRowEntity {
  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  phone!: string | null;

  @Column({ type: 'text', nullable: true })
  bitrixUserId!: string | null;

  @Column({ type: 'text', nullable: true })
  warehouseId!: string | null;

  @Column({ type: 'text', nullable: true })
  cashDeskId!: string | null;
}

@Entity({ name: 'md_cash_desks' })
@Index('idx_md_cash_desks_change', CHANGE_ORDER)
export class CashDeskEntity extends MirrorRowEntity {
  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  currency!: string;

  @Column({ type: 'text', nullable: true })
  organizationInn!: string | null;
}

/** The table of each kind. */
export const MIRROR_ENTITY_OF: Readonly<Record<MasterDataKind, new () => MirrorRowEntity>> = {
  products: ProductEntity,
  'product-groups': ProductGroupEntity,
  units: UnitEntity,
  properties: PropertyEntity,
  'price-types': PriceTypeEntity,
  prices: PriceEntity,
  warehouses: WarehouseEntity,
  stock: StockEntity,
  counterparties: CounterpartyEntity,
  couriers: CourierEntity,
  'cash-desks': CashDeskEntity,
};
