import type {
  CatalogRecord,
  GroupRecord,
  OfferRecord,
  PriceTypeRecord,
  ProductRecord,
  PropertyRecord,
  UnitRecord,
  UnitRef,
  WarehouseRecord,
} from '@app/onec';
import { checkDecimal, MONEY, QUANTITY } from '../domain/decimal';
import type { MirrorWrite } from '../domain/mirror-records';
import { compositeKey } from '../domain/onec-id';
import { vatRateFromCommerceMl } from '../domain/vat-rate';

/** A record that could not become mirror rows, and why (counted and logged per record). */
export interface UnmappableRecord {
  readonly ordinal: number;
  readonly onecId: string;
  readonly path: string;
  readonly reason: string;
}

export interface MappedRecords {
  readonly writes: MirrorWrite[];
  /** Units named by products (`БазоваяЕдиница`), to create where the mirror has none. */
  readonly unitsNamed: MirrorWrite<'units'>[];
  readonly unmappable: UnmappableRecord[];
}

const RUBLE_NAMES = new Set(['руб', 'руб.', 'rub', 'rur', '643', 'рубль']);

/** 1C writes `руб` (its own currency short name), the 1C-Bitrix module `RUB`; ISO codes go on the wire. */
export function currencyCode(raw: string | null): string | null {
  if (raw === null) {
    return null;
  }
  const trimmed = raw.trim();
  if (RUBLE_NAMES.has(trimmed.toLowerCase())) {
    return 'RUB';
  }
  return /^[a-z]{3}$/i.test(trimmed) ? trimmed.toUpperCase() : trimmed;
}

/**
 * Turns the connector's CommerceML records into mirror writes (docs/integrations/master-data.md has the table).
 * `versionSeq` is the exchange's: within an exchange the later record wins, and a later exchange beats an earlier.
 */
export function mapCatalogRecords(records: readonly CatalogRecord[], versionSeq: bigint): MappedRecords {
  const writes: MirrorWrite[] = [];
  const unitsNamed = new Map<string, MirrorWrite<'units'>>();
  const unmappable: UnmappableRecord[] = [];
  const common = (onecId: string, version: string | null, deleted: boolean) =>
    ({ onecId, version, versionSeq, deleted, source: 'commerceml' }) as const;

  for (const record of records) {
    switch (record.kind) {
      case 'group':
        writes.push(groupWrite(record, common));
        break;
      case 'property':
        writes.push(propertyWrite(record, common));
        break;
      case 'unit':
        writes.push(unitWrite(record, common));
        break;
      case 'priceType':
        writes.push(priceTypeWrite(record, common));
        break;
      case 'warehouse':
        writes.push(warehouseWrite(record, common));
        break;
      case 'product': {
        const unit = namedUnit(record.baseUnit, versionSeq);
        if (unit) {
          unitsNamed.set(unit.onecId, unit);
        }
        writes.push(productWrite(record, unit?.onecId ?? null, common));
        break;
      }
      case 'offer': {
        const unit = namedUnit(record.baseUnit, versionSeq);
        if (unit) {
          unitsNamed.set(unit.onecId, unit);
        }
        writes.push(...offerWrites(record, unit?.onecId ?? null, common, unmappable));
        break;
      }
      case 'package':
        break;
    }
  }
  return { writes, unitsNamed: [...unitsNamed.values()], unmappable };
}

type Common = (
  onecId: string,
  version: string | null,
  deleted: boolean,
) => Pick<MirrorWrite, 'onecId' | 'version' | 'versionSeq' | 'deleted' | 'source'>;

function groupWrite(record: GroupRecord, common: Common): MirrorWrite<'product-groups'> {
  return {
    kind: 'product-groups',
    ...common(record.id, record.versionNumber, record.deleted),
    data: { name: record.name, parentId: record.parentId, description: record.description },
  };
}

function propertyWrite(record: PropertyRecord, common: Common): MirrorWrite<'properties'> {
  return {
    kind: 'properties',
    ...common(record.id, record.versionNumber, record.deleted),
    data: {
      name: record.name,
      valueType: record.valueType,
      multiple: record.multiple,
      forProducts: record.forProducts,
      forOffers: record.forOffers,
      values: record.values,
    },
  };
}

function unitWrite(record: UnitRecord, common: Common): MirrorWrite<'units'> {
  return {
    kind: 'units',
    ...common(record.id, null, record.deleted),
    data: {
      code: record.code,
      name: record.shortName,
      fullName: record.fullName,
      internationalAbbreviation: record.internationalAbbreviation,
    },
  };
}

/** A unit as a product names it: by OKEI code where given, else by its text (`шт`, or a unit `Ид` in 3.1). */
function namedUnit(ref: UnitRef | null, versionSeq: bigint): MirrorWrite<'units'> | undefined {
  const id = ref?.code ?? ref?.text ?? null;
  if (ref === null || id === null) {
    return undefined;
  }
  return {
    kind: 'units',
    onecId: id,
    version: null,
    versionSeq,
    deleted: false,
    source: 'commerceml',
    data: {
      code: ref.code,
      name: ref.text,
      fullName: ref.fullName,
      internationalAbbreviation: ref.internationalAbbreviation,
    },
  };
}

function priceTypeWrite(record: PriceTypeRecord, common: Common): MirrorWrite<'price-types'> {
  const vat = record.taxes.find((tax) => /ндс|vat/i.test(tax.name));
  return {
    kind: 'price-types',
    ...common(record.id, null, record.deleted),
    data: { name: record.name, currency: currencyCode(record.currency), vatIncluded: vat?.includedInSum ?? null },
  };
}

function warehouseWrite(record: WarehouseRecord, common: Common): MirrorWrite<'warehouses'> {
  return {
    kind: 'warehouses',
    ...common(record.id, null, record.deleted),
    data: { name: record.name, address: record.address, comment: record.comment },
  };
}

function productWrite(record: ProductRecord, unitId: string | null, common: Common): MirrorWrite<'products'> {
  const vat = record.taxRates.find((rate) => /ндс|vat/i.test(rate.name));
  return {
    kind: 'products',
    ...common(record.id, record.versionNumber, record.deleted),
    data: {
      origin: 'goods',
      parentId: record.characteristicId === null ? null : record.productId,
      characteristicId: record.characteristicId,
      name: record.name,
      fullName: record.fullName,
      article: record.article,
      code: record.code,
      barcodes: record.barcode === null ? [] : [record.barcode],
      unitId,
      groupIds: record.groupIds,
      vatRate: vatRateFromCommerceMl(vat?.rate ?? null),
      description: record.description,
      characteristics: record.characteristics.map(({ name, value }) => ({ name, value })),
      properties: record.properties.map(({ propertyId, values }) => ({ propertyId, values })),
      weight: record.weight === null ? null : decimalOrNull(record.weight, QUANTITY),
    },
  };
}

/**
 * An offer becomes its variant (when it names a characteristic), a price per price type and a stock level per
 * warehouse (or one total). A value that is not an exact decimal of the allowed scale drops that row only.
 */
function offerWrites(
  record: OfferRecord,
  unitId: string | null,
  common: Common,
  unmappable: UnmappableRecord[],
): MirrorWrite[] {
  const writes: MirrorWrite[] = [];
  if (record.characteristicId !== null && record.name !== null) {
    writes.push({
      kind: 'products',
      ...common(record.id, record.versionNumber, record.deleted),
      data: {
        origin: 'offer',
        parentId: record.productId,
        characteristicId: record.characteristicId,
        name: record.name,
        fullName: null,
        article: record.article,
        code: null,
        barcodes: record.barcode === null ? [] : [record.barcode],
        unitId,
        groupIds: [],
        vatRate: null,
        description: null,
        characteristics: record.characteristics.map(({ name, value }) => ({ name, value })),
        properties: record.properties.map(({ propertyId, values }) => ({ propertyId, values })),
        weight: null,
      },
    });
  }
  record.prices.forEach((price, index) => {
    const checked = price.pricePerUnit === null ? undefined : checkDecimal(price.pricePerUnit, MONEY);
    if (!checked?.ok) {
      unmappable.push({
        ordinal: record.ordinal,
        onecId: record.id,
        path: `prices.${index}.pricePerUnit`,
        reason: checked ? `price ${checked.reason}` : 'price is not a number',
      });
      return;
    }
    writes.push({
      kind: 'prices',
      ...common(compositeKey(record.id, price.priceTypeId), null, record.deleted),
      data: {
        productId: record.id,
        priceTypeId: price.priceTypeId,
        price: checked.value,
        currency: currencyCode(price.currency) ?? 'RUB',
        unit: price.unit,
      },
    });
  });
  const levels =
    record.stock.length > 0
      ? record.stock.map((stock) => ({ warehouseId: stock.warehouseId, quantity: stock.quantity }))
      : record.quantity !== null
        ? [{ warehouseId: null, quantity: record.quantity }]
        : [];
  levels.forEach((level, index) => {
    const checked = level.quantity === null ? undefined : checkDecimal(level.quantity, QUANTITY);
    if (!checked?.ok) {
      unmappable.push({
        ordinal: record.ordinal,
        onecId: record.id,
        path: `stock.${index}.quantity`,
        reason: checked ? `quantity ${checked.reason}` : 'quantity is not a number',
      });
      return;
    }
    writes.push({
      kind: 'stock',
      ...common(compositeKey(record.id, level.warehouseId), null, record.deleted),
      data: { productId: record.id, warehouseId: level.warehouseId, quantity: checked.value },
    });
  });
  return writes;
}

function decimalOrNull(raw: string, rule: typeof QUANTITY): string | null {
  const checked = checkDecimal(raw, rule);
  return checked.ok ? checked.value : null;
}
