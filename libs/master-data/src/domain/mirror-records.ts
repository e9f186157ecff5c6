import type { MasterDataKind } from './master-data-kind';
import type { VatRate } from './vat-rate';

// The content of each kind, as the mirror holds it and the API shows it. Ids are 1C ids (`Ид`); decimals are
// canonical strings (see decimal.ts). Every field is present: absent optional values are null or empty arrays, so
// that equal content always hashes equal.

export interface NameValue {
  readonly name: string;
  readonly value: string;
}

export interface ProductGroupData {
  readonly name: string;
  readonly parentId: string | null;
  readonly description: string | null;
}

export interface UnitData {
  /** OKEI code (`796` for pieces, `166` for kilograms). */
  readonly code: string | null;
  readonly name: string | null;
  readonly fullName: string | null;
  readonly internationalAbbreviation: string | null;
}

export interface PropertyData {
  readonly name: string;
  /** `Строка`, `Число`, `Справочник`, … as 1C names them. */
  readonly valueType: string | null;
  readonly multiple: boolean;
  readonly forProducts: boolean | null;
  readonly forOffers: boolean | null;
  /** The choices of a `Справочник` property. */
  readonly values: readonly { readonly id: string | null; readonly value: string }[];
}

export interface PriceTypeData {
  readonly name: string;
  /** ISO 4217 code where 1C wrote one (`RUB`); 1C's own short names (`руб`) are normalised to it. */
  readonly currency: string | null;
  /** Whether the prices of this type include VAT (`Налог/УчтеноВСумме`); null when 1C does not say. */
  readonly vatIncluded: boolean | null;
}

export interface WarehouseData {
  readonly name: string;
  readonly address: string | null;
  readonly comment: string | null;
}

export interface ProductData {
  /**
   * Where 1C declared the row: `goods`, a `Товар` of the catalog (some exports write characteristics as goods,
   * `<product>#<characteristic>`), or `offer`, a variant known only from an offer package. An offer never
   * overwrites goods: it carries less (no groups, no VAT).
   */
  readonly origin: 'goods' | 'offer';
  /** The product a variant belongs to (the `Ид` before `#`); null for a product itself. */
  readonly parentId: string | null;
  /** The 1C characteristic of a variant (the `Ид` after `#`); null for a product itself. */
  readonly characteristicId: string | null;
  readonly name: string;
  readonly fullName: string | null;
  readonly article: string | null;
  readonly code: string | null;
  readonly barcodes: readonly string[];
  /** A unit's 1C id (or its OKEI code when 1C sends no unit catalogue). */
  readonly unitId: string | null;
  readonly groupIds: readonly string[];
  readonly vatRate: VatRate | null;
  readonly description: string | null;
  /** A variant's characteristics (`Цвет: красный`). */
  readonly characteristics: readonly NameValue[];
  readonly properties: readonly { readonly propertyId: string; readonly values: readonly string[] }[];
  /** Weight in kilograms where 1C sends one. */
  readonly weight: string | null;
}

export interface PriceData {
  /** The offer: a product or a variant (`<product>#<characteristic>`). */
  readonly productId: string;
  readonly priceTypeId: string;
  /** Per unit, `numeric(15,2)`. */
  readonly price: string;
  readonly currency: string;
  readonly unit: string | null;
}

export interface StockData {
  readonly productId: string;
  /** Null when 1C sent only a total over every warehouse. */
  readonly warehouseId: string | null;
  /** `numeric(15,3)`; may be negative where 1C allows selling below zero. */
  readonly quantity: string;
}

export interface Contact {
  /** `phone`, `email` or another 1C contact kind (`Почта`, `Телефон рабочий` → phone). */
  readonly type: string;
  readonly value: string;
}

export interface CounterpartyData {
  /** An organisation (юрлицо, ИП) becomes a Bitrix24 company; a person a contact. */
  readonly type: 'organization' | 'person';
  readonly name: string;
  readonly fullName: string | null;
  readonly inn: string | null;
  readonly kpp: string | null;
  readonly phones: readonly string[];
  readonly emails: readonly string[];
  readonly addresses: readonly { readonly type: string; readonly presentation: string }[];
}

export interface CourierData {
  readonly name: string;
  readonly phone: string | null;
  /** The portal user, when 1C knows it; otherwise the Bitrix24 link resolves it by our id in the user field. */
  readonly bitrixUserId: string | null;
  /** The courier's own warehouse: the van stock it sells from. */
  readonly warehouseId: string | null;
  /** The cash desk its cash is handed over to. */
  readonly cashDeskId: string | null;
}

export interface CashDeskData {
  readonly name: string;
  readonly currency: string;
  /** The organisation's INN the cash desk belongs to. */
  readonly organizationInn: string | null;
}

export interface KindData {
  products: ProductData;
  'product-groups': ProductGroupData;
  units: UnitData;
  properties: PropertyData;
  'price-types': PriceTypeData;
  prices: PriceData;
  warehouses: WarehouseData;
  stock: StockData;
  counterparties: CounterpartyData;
  couriers: CourierData;
  'cash-desks': CashDeskData;
}

/** Where a version came from: CommerceML exchange sessions and the JSON API order their versions differently. */
export type MirrorSource = 'commerceml' | 'api';

/** One incoming record, already validated and normalised, ready for the version rules. */
export interface MirrorWrite<K extends MasterDataKind = MasterDataKind> {
  readonly kind: K;
  /** The 1C id (or the composite key of prices and stock). */
  readonly onecId: string;
  /** `НомерВерсии` or the API's version; null stores the content hash as the version. */
  readonly version: string | null;
  /** What orders versions: the API's integer version, or the exchange session's start in ms. */
  readonly versionSeq: bigint;
  readonly deleted: boolean;
  readonly data: KindData[K];
  readonly source: MirrorSource;
}

/** A row as stored. */
export interface MirrorRow<K extends MasterDataKind = MasterDataKind> {
  readonly id: string;
  readonly kind: K;
  readonly onecId: string;
  readonly version: string;
  readonly versionSeq: bigint;
  readonly contentHash: string;
  readonly deleted: boolean;
  /** Not in the last full snapshot 1C sent: kept, hidden from default reads, inactive in Bitrix24. */
  readonly deactivated: boolean;
  readonly bitrixId: string | null;
  readonly source: MirrorSource;
  readonly data: KindData[K];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}
