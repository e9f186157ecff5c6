/**
 * Exact decimals as 1C and PostgreSQL `numeric` hold them, carried as strings: never a JS number, which cannot hold
 * 0.1 or a 16-digit amount exactly. The mirror only validates and normalises them; arithmetic happens in SQL.
 */
export interface DecimalRule {
  /** Digits after the point the column keeps (`numeric(15, scale)`); more is an error, never a silent rounding. */
  readonly scale: number;
  /** Total digits (`numeric(precision, scale)`). */
  readonly precision: number;
  readonly allowNegative: boolean;
}

/** Prices: roubles and kopecks, `numeric(15,2)` as in 1C's price registers. */
export const MONEY: DecimalRule = { scale: 2, precision: 15, allowNegative: false };
/** Quantities: 1C keeps three decimals (grams of a kilogram); stock may go negative where 1C allows it. */
export const QUANTITY: DecimalRule = { scale: 3, precision: 15, allowNegative: true };

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

export type DecimalCheck =
  { readonly ok: true; readonly value: string } | { readonly ok: false; readonly reason: string };

/**
 * The canonical form of `raw` under `rule` (`"1719"` → `"1719.00"` for money), or why it does not fit. Canonical
 * forms compare equal exactly when the numbers do, which is what content hashes and the reconcile rely on.
 */
export function checkDecimal(raw: string, rule: DecimalRule): DecimalCheck {
  const match = DECIMAL.exec(raw.trim());
  if (!match) {
    return { ok: false, reason: 'is not a decimal number (digits, an optional "." and fraction)' };
  }
  const [, minus, whole, fraction = ''] = match;
  const significantFraction = fraction.replace(/0+$/, '');
  if (significantFraction.length > rule.scale) {
    return { ok: false, reason: `has more than ${rule.scale} decimal places` };
  }
  const integer = whole.replace(/^0+(?=\d)/, '');
  if (integer.length > rule.precision - rule.scale) {
    return { ok: false, reason: `has more than ${rule.precision - rule.scale} integer digits` };
  }
  const padded = significantFraction.padEnd(rule.scale, '0');
  const isZero = /^0*$/.test(integer + padded);
  if (minus && !isZero && !rule.allowNegative) {
    return { ok: false, reason: 'must not be negative' };
  }
  const sign = minus && !isZero ? '-' : '';
  return { ok: true, value: rule.scale > 0 ? `${sign}${integer}.${padded}` : `${sign}${integer}` };
}
