import { isNonNegativeBigint } from '@app/core';
import { buildMessage, ValidateBy, type ValidationOptions } from 'class-validator';
import { checkDecimal, type DecimalRule } from '../../domain/decimal';
import { isGuid } from '../../domain/onec-id';

/** Weights in kilograms: three decimals like quantities, but never negative. */
export const WEIGHT: DecimalRule = { scale: 3, precision: 15, allowNegative: false };

/** An OKEI unit code (`796` pieces, `166` kilograms), which is how CommerceML keys the units products name. */
export const OKEI_CODE = /^\d{3,4}$/;

export function isUnitId(value: unknown): value is string {
  return typeof value === 'string' && (isGuid(value) || OKEI_CODE.test(value));
}

/** `<product GUID>` or `<product GUID>#<characteristic GUID>`: a product, or one of its variants. */
export function isOfferId(value: unknown): value is string {
  if (typeof value !== 'string') {
    return false;
  }
  const [product, characteristic, ...rest] = value.split('#');
  return rest.length === 0 && isGuid(product) && (characteristic === undefined || isGuid(characteristic));
}

/**
 * The API's version: a non-negative integer, sent as a decimal string (any size up to PostgreSQL's bigint) or as a
 * JSON number while it is a safe integer (beyond 2^53 a JSON number is already rounded when parsed).
 */
export function versionSeqOf(value: unknown): bigint | undefined {
  if (typeof value === 'string') {
    return isNonNegativeBigint(value) ? BigInt(value) : undefined;
  }
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : undefined;
}

function rule(
  name: string,
  validate: (value: unknown) => boolean,
  message: (property: string, value: unknown) => string,
  options?: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    {
      name,
      validator: {
        validate,
        defaultMessage: buildMessage((each, args) => `${each}${message(args?.property ?? '', args?.value)}`, options),
      },
    },
    options,
  );
}

/** A 1C reference id: `Ссылка.УникальныйИдентификатор()`, a GUID. */
export const IsOnecGuid = (options?: ValidationOptions) =>
  rule(
    'isOnecGuid',
    (value) => typeof value === 'string' && isGuid(value),
    (p) => `${p} must be a GUID`,
    options,
  );

export const IsOfferId = (options?: ValidationOptions) =>
  rule(
    'isOfferId',
    isOfferId,
    (p) => `${p} must be a product GUID, or <product GUID>#<characteristic GUID> for a variant`,
    options,
  );

export const IsUnitId = (options?: ValidationOptions) =>
  rule('isUnitId', isUnitId, (p) => `${p} must be a unit's GUID or its OKEI code (3-4 digits)`, options);

export const IsVersion = (options?: ValidationOptions) =>
  rule(
    'isVersion',
    (value) => versionSeqOf(value) !== undefined,
    (p) => `${p} must be a non-negative integer: a decimal string up to 9223372036854775807, or a safe JSON integer`,
    options,
  );

/** An exact decimal as a string (never a JSON number: 0.1 is not exact in one) that fits `decimal`. */
export const IsDecimalString = (decimal: DecimalRule, options?: ValidationOptions) =>
  rule(
    'isDecimalString',
    (value) => typeof value === 'string' && checkDecimal(value, decimal).ok,
    (p, value) => {
      if (typeof value !== 'string') {
        return `${p} must be a decimal number in a string, e.g. "1719.50"`;
      }
      const checked = checkDecimal(value, decimal);
      return checked.ok ? `${p} is valid` : `${p} ${checked.reason}`;
    },
    options,
  );

export const IsCurrencyCode = (options?: ValidationOptions) =>
  rule(
    'isCurrencyCode',
    (value) => typeof value === 'string' && /^[A-Za-z]{3}$/.test(value),
    (p) => `${p} must be an ISO 4217 code such as RUB`,
    options,
  );

/** ИНН: 10 digits for an organisation, 12 for an individual entrepreneur or a person. */
export const IsInn = (options?: ValidationOptions) =>
  rule(
    'isInn',
    (value) => typeof value === 'string' && /^(\d{10}|\d{12})$/.test(value),
    (p) => `${p} must be 10 or 12 digits`,
    options,
  );

/** КПП: 9 characters, the 5th and 6th may be letters (since 2019). */
export const IsKpp = (options?: ValidationOptions) =>
  rule(
    'isKpp',
    (value) => typeof value === 'string' && /^\d{4}[0-9A-Z]{2}\d{3}$/.test(value),
    (p) => `${p} must be 9 characters: 4 digits, 2 digits or capital letters, 3 digits`,
    options,
  );
