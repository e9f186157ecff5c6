import type { Type } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import type { BatchItem, BatchResult } from '../../application/master-data.service';
import { checkDecimal, type DecimalRule, MONEY, QUANTITY } from '../../domain/decimal';
import { COMPOSITE_KEY_KINDS, type MasterDataKind } from '../../domain/master-data-kind';
import type { Rejection } from '../../domain/master-data.errors';
import type { KindData } from '../../domain/mirror-records';
import { compositeKey, isGuid, splitOfferId } from '../../domain/onec-id';
import { isOfferId, isUnitId, versionSeqOf, WEIGHT } from './field.validators';
import { type MasterDataBatchResultDto, ITEM_DTO_OF } from './items.dto';

/** Per item, so that a pathological item cannot make the answer (which is stored for replay) unbounded. */
export const MAX_ERRORS_PER_ITEM = 5;
const MAX_PATH = 100;
const MAX_MESSAGE = 200;

interface ItemSpec<K extends MasterDataKind, D> {
  /** The 1C key of a raw item, when the fields it is made of are valid (for the answer to a rejected item too). */
  readonly keyOf: (raw: Record<string, unknown>) => string | null;
  /** The kind's content from a validated item: absent optional fields become null or empty lists. */
  readonly dataOf: (item: D) => KindData[K];
}

type Specs = { readonly [K in MasterDataKind]: ItemSpec<K, InstanceType<(typeof ITEM_DTO_OF)[K]>> };

const guidId = (raw: Record<string, unknown>) => (typeof raw.id === 'string' && isGuid(raw.id) ? raw.id : null);

/** Validated by the item DTO: the canonical form exists. */
function canonical(raw: string, rule: DecimalRule): string {
  const checked = checkDecimal(raw, rule);
  if (!checked.ok) {
    throw new Error(`unvalidated decimal: ${checked.reason}`);
  }
  return checked.value;
}

const SPECS: Specs = {
  'product-groups': {
    keyOf: guidId,
    dataOf: (item) => ({ name: item.name, parentId: item.parentId ?? null, description: item.description ?? null }),
  },
  units: {
    keyOf: (raw) => (isUnitId(raw.id) ? raw.id : null),
    dataOf: (item) => ({
      code: item.code ?? null,
      name: item.name ?? null,
      fullName: item.fullName ?? null,
      internationalAbbreviation: item.internationalAbbreviation ?? null,
    }),
  },
  properties: {
    keyOf: guidId,
    dataOf: (item) => ({
      name: item.name,
      valueType: item.valueType ?? null,
      multiple: item.multiple ?? false,
      forProducts: item.forProducts ?? null,
      forOffers: item.forOffers ?? null,
      values: (item.values ?? []).map(({ id, value }) => ({ id: id ?? null, value })),
    }),
  },
  'price-types': {
    keyOf: guidId,
    dataOf: (item) => ({
      name: item.name,
      currency: item.currency?.toUpperCase() ?? null,
      vatIncluded: item.vatIncluded ?? null,
    }),
  },
  warehouses: {
    keyOf: guidId,
    dataOf: (item) => ({ name: item.name, address: item.address ?? null, comment: item.comment ?? null }),
  },
  products: {
    keyOf: (raw) => (isOfferId(raw.id) ? raw.id : null),
    dataOf: (item) => {
      // A variant is `<product>#<characteristic>`: it belongs to the product before the `#`.
      const offer = splitOfferId(item.id);
      return {
        origin: 'goods',
        parentId: offer.characteristicId === null ? null : offer.productId,
        characteristicId: offer.characteristicId,
        name: item.name,
        fullName: item.fullName ?? null,
        article: item.article ?? null,
        code: item.code ?? null,
        barcodes: item.barcodes ?? [],
        unitId: item.unitId ?? null,
        groupIds: item.groupIds ?? [],
        vatRate: item.vatRate ?? null,
        description: item.description ?? null,
        characteristics: (item.characteristics ?? []).map(({ name, value }) => ({ name, value })),
        properties: (item.properties ?? []).map(({ propertyId, values }) => ({ propertyId, values })),
        weight: item.weight === undefined || item.weight === null ? null : canonical(item.weight, WEIGHT),
      };
    },
  },
  prices: {
    keyOf: (raw) =>
      isOfferId(raw.productId) && typeof raw.priceTypeId === 'string' && isGuid(raw.priceTypeId)
        ? compositeKey(raw.productId, raw.priceTypeId)
        : null,
    dataOf: (item) => ({
      productId: item.productId,
      priceTypeId: item.priceTypeId,
      price: canonical(item.price, MONEY),
      currency: item.currency?.toUpperCase() ?? 'RUB',
      unit: item.unit ?? null,
    }),
  },
  stock: {
    keyOf: (raw) => {
      const warehouse = raw.warehouseId ?? null;
      return isOfferId(raw.productId) && (warehouse === null || (typeof warehouse === 'string' && isGuid(warehouse)))
        ? compositeKey(raw.productId, warehouse)
        : null;
    },
    dataOf: (item) => ({
      productId: item.productId,
      warehouseId: item.warehouseId ?? null,
      quantity: canonical(item.quantity, QUANTITY),
    }),
  },
  counterparties: {
    keyOf: guidId,
    dataOf: (item) => ({
      type: item.type,
      name: item.name,
      fullName: item.fullName ?? null,
      inn: item.inn ?? null,
      kpp: item.kpp ?? null,
      phones: item.phones ?? [],
      emails: item.emails ?? [],
      addresses: (item.addresses ?? []).map(({ type, presentation }) => ({ type, presentation })),
    }),
  },
  couriers: {
    keyOf: guidId,
    dataOf: (item) => ({
      name: item.name,
      phone: item.phone ?? null,
      bitrixUserId: item.bitrixUserId ?? null,
      warehouseId: item.warehouseId ?? null,
      cashDeskId: item.cashDeskId ?? null,
    }),
  },
  'cash-desks': {
    keyOf: guidId,
    dataOf: (item) => ({
      name: item.name,
      currency: item.currency?.toUpperCase() ?? 'RUB',
      organizationInn: item.organizationInn ?? null,
    }),
  },
};

/**
 * Validates each item of a batch on its own against its kind's item DTO (unknown fields refused) and turns the
 * valid ones into mirror writes; the others carry their reasons, with paths inside the item.
 */
export function toBatchItems<K extends MasterDataKind>(
  kind: K,
  items: readonly Record<string, unknown>[],
): BatchItem<K>[] {
  const spec = SPECS[kind] as unknown as ItemSpec<K, object & { version: string | number; deleted?: boolean }>;
  const dto = ITEM_DTO_OF[kind] as Type<object & { version: string | number; deleted?: boolean }>;
  return items.map((raw) => {
    const item = plainToInstance(dto, raw);
    const rejections = [
      ...unstorableStrings(raw, ''),
      ...invalidFields(validateSync(item, { whitelist: true, forbidNonWhitelisted: true }), ''),
    ];
    const onecId = spec.keyOf(raw);
    if (rejections.length > 0 || onecId === null) {
      return { onecId, rejections: rejections.slice(0, MAX_ERRORS_PER_ITEM) };
    }
    const versionSeq = versionSeqOf(item.version)!;
    return {
      write: {
        kind,
        onecId,
        version: versionSeq.toString(),
        versionSeq,
        deleted: item.deleted ?? false,
        data: spec.dataOf(item),
        source: 'api',
      },
    };
  });
}

/**
 * The answer to a batch: paths from the body (`items.3.price`), bounded in length. A price or a stock level has no
 * `id` field: what the writer blames on the id (a repeat within the batch) is the item as a whole.
 */
export function toBatchResultDto(kind: MasterDataKind, result: BatchResult): MasterDataBatchResultDto {
  const fieldOf = (path: string) => (path === 'id' && COMPOSITE_KEY_KINDS.includes(kind) ? '' : path);
  return {
    results: result.results.map((item, index) => ({
      index,
      id: item.onecId,
      status: item.outcome,
      ...(item.rowId === undefined ? {} : { rowId: item.rowId }),
      ...(item.rejections === undefined
        ? {}
        : {
            errors: item.rejections.map((rejection) => ({
              path: truncate(`items.${index}${fieldOf(rejection.path) === '' ? '' : `.${rejection.path}`}`, MAX_PATH),
              code: rejection.code,
              message: truncate(rejection.reason, MAX_MESSAGE),
            })),
          }),
    })),
    counts: { ...result.counts },
  };
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

function invalidFields(errors: readonly ValidationError[], parent: string): Rejection[] {
  return errors.flatMap((error) => {
    const path = parent === '' ? error.property : `${parent}.${error.property}`;
    return [
      ...Object.values(error.constraints ?? {}).map((reason): Rejection => ({ code: 'INVALID_FIELD', path, reason })),
      ...invalidFields(error.children ?? [], path),
    ];
  });
}

/** NUL and unpaired surrogates: PostgreSQL refuses them in text and jsonb, which would fail the whole batch. */
const UNPAIRED_SURROGATE = /\p{Cs}/u;

function unstorableStrings(value: unknown, path: string): Rejection[] {
  if (typeof value === 'string') {
    return value.includes('\u0000') || UNPAIRED_SURROGATE.test(value)
      ? [
          {
            code: 'INVALID_FIELD',
            path,
            reason: `${path} contains a character that cannot be stored (NUL or an unpaired surrogate)`,
          },
        ]
      : [];
  }
  if (typeof value !== 'object' || value === null) {
    return [];
  }
  return Object.entries(value).flatMap(([key, inner]) =>
    unstorableStrings(inner, path === '' ? key : `${path}.${key}`),
  );
}
