import { ExactDecimal, type FieldError, isCountedUnit, MONEY_SCALE, QUANTITY_SCALE } from '@app/core';
import type { OrderLine, OrderLineInput } from './instant-order';

/** What the mirror says about one offer, for the price type and warehouse of the sale. */
export interface OfferTermsView {
  readonly name: string;
  readonly unitCode: string | null;
  readonly vatRate: string | null;
  readonly price: string | null;
}

/** The rules a sale is checked against; each broken one is reported as `<RULE>: <why>` on its field. */
export type SaleRule =
  | 'INVALID_DECIMAL'
  | 'OUT_OF_RANGE'
  | 'DUPLICATE_LINE'
  | 'UNKNOWN_PRODUCT'
  | 'NO_PRICE'
  | 'WHOLE_UNITS_ONLY'
  | 'PRICE_MISMATCH'
  | 'DISCOUNT_REASON_REQUIRED'
  | 'DISCOUNT_OVER_LIMIT'
  | 'AMOUNT_MISMATCH'
  | 'TOTAL_MISMATCH'
  | 'STOCK_SHORT'
  | 'UNKNOWN_REFERENCE'
  | 'NOT_THE_COURIER';

export const violation = (path: string, rule: SaleRule, why: string): FieldError => ({
  path,
  message: `${rule}: ${why}`,
});

export const offerIdOf = (line: Pick<OrderLineInput, 'productId' | 'characteristicId'>): string =>
  line.characteristicId === null ? line.productId : `${line.productId}#${line.characteristicId}`;

/**
 * The percentage of the VAT included in a price of this rate (`22` and `22/122` → 22); null without VAT. Prices a
 * courier sells at include VAT (retail), so a line's VAT is always the included share.
 */
export function vatPercent(rate: string | null): bigint | null {
  const percent = rate === null ? null : /^(\d+)(?:\/\d+)?$/.exec(rate)?.[1];
  return percent === undefined || percent === null ? null : BigInt(percent);
}

function decimal(text: string, scale: number, path: string, errors: FieldError[], positive: boolean) {
  if (!ExactDecimal.fits(text, scale)) {
    errors.push(violation(path, 'INVALID_DECIMAL', `"${text}" is not a decimal with at most ${scale} places`));
    return undefined;
  }
  const value = ExactDecimal.parse(text, scale);
  if (value.isNegative() || (positive && value.isZero())) {
    errors.push(violation(path, 'OUT_OF_RANGE', `must be ${positive ? 'above' : 'at least'} zero`));
    return undefined;
  }
  return value;
}

export interface PricingPolicy {
  /** The largest discount on a line, in percent of its amount before the discount. */
  readonly discountLimitPercent: number;
  readonly discountReason: string | null;
}

export interface PricedOrder {
  readonly errors: FieldError[];
  readonly lines: OrderLine[];
  readonly total: string;
  readonly vatTotal: string;
}

/**
 * Checks a sale's lines against the mirror and recomputes its money the way 1C does:
 *
 * - a line's amount before discount is Окр(quantity × price, 2), half away from zero;
 * - its amount is that less its discount (whole kopecks, at most `discountLimitPercent` % of it, Окр to kopecks);
 * - its VAT is the included share, Окр(amount × rate / (100 + rate), 2), per line;
 * - the document's total and VAT are the sums of the lines' (never a rounding of a sum).
 *
 * The price must be the mirror's for the sale's price type: a courier cannot set a price.
 */
export function priceOrder(
  items: readonly OrderLineInput[],
  sentTotal: string,
  terms: ReadonlyMap<string, OfferTermsView>,
  policy: PricingPolicy,
): PricedOrder {
  const errors: FieldError[] = [];
  const lines: OrderLine[] = [];
  const seen = new Set<string>();
  let total = ExactDecimal.zero(MONEY_SCALE);
  let vatTotal = ExactDecimal.zero(MONEY_SCALE);
  let whole = true;
  items.forEach((item, index) => {
    const at = (field: string) => `items.${index}.${field}`;
    const offerId = offerIdOf(item);
    if (seen.has(offerId)) {
      errors.push(violation(at('productId'), 'DUPLICATE_LINE', `${offerId} is on an earlier line: one line per offer`));
      whole = false;
      return;
    }
    seen.add(offerId);
    const offer = terms.get(offerId);
    const quantity = decimal(item.quantity, QUANTITY_SCALE, at('quantity'), errors, true);
    const price = decimal(item.price, MONEY_SCALE, at('price'), errors, true);
    const discount = decimal(item.discount ?? '0', MONEY_SCALE, at('discount'), errors, false);
    const amount = decimal(item.amount, MONEY_SCALE, at('amount'), errors, false);
    if (!offer) {
      errors.push(violation(at('productId'), 'UNKNOWN_PRODUCT', `the mirror holds no product ${offerId} in use`));
      whole = false;
      return;
    }
    if (offer.price === null) {
      errors.push(violation(at('price'), 'NO_PRICE', `1C sent no price of this price type for ${offerId}`));
    } else if (price && !price.equals(ExactDecimal.parse(offer.price, MONEY_SCALE))) {
      errors.push(violation(at('price'), 'PRICE_MISMATCH', `the price list says ${offer.price}, not ${item.price}`));
    }
    if (quantity && isCountedUnit(offer.unitCode) && !quantity.share(1n, 1n, 0).equals(quantity)) {
      errors.push(violation(at('quantity'), 'WHOLE_UNITS_ONLY', `${offer.name} is sold by the piece`));
    }
    if (!quantity || !price || !discount || !amount) {
      whole = false;
      return;
    }
    const gross = quantity.times(price, MONEY_SCALE);
    const limit = gross.share(BigInt(policy.discountLimitPercent), 100n, MONEY_SCALE);
    if (!discount.isZero() && policy.discountReason === null) {
      errors.push(violation(at('discount'), 'DISCOUNT_REASON_REQUIRED', 'a discount needs discountReason'));
    }
    if (discount.compare(limit) > 0) {
      errors.push(
        violation(
          at('discount'),
          'DISCOUNT_OVER_LIMIT',
          `at most ${limit.toString()} (${policy.discountLimitPercent} % of ${gross.toString()})`,
        ),
      );
    }
    const expected = gross.minus(discount);
    if (!amount.equals(expected)) {
      errors.push(
        violation(at('amount'), 'AMOUNT_MISMATCH', `quantity × price less discount is ${expected.toString()}`),
      );
    }
    const rate = vatPercent(offer.vatRate);
    const vat = rate === null ? ExactDecimal.zero(MONEY_SCALE) : expected.share(rate, 100n + rate, MONEY_SCALE);
    total = total.plus(expected);
    vatTotal = vatTotal.plus(vat);
    lines.push({
      lineNo: index + 1,
      productId: item.productId,
      characteristicId: item.characteristicId,
      quantity: quantity.toString(),
      price: price.toString(),
      discount: discount.isZero() ? null : discount.toString(),
      amount: expected.toString(),
      name: offer.name,
      unitCode: offer.unitCode,
      vatRate: offer.vatRate,
      vatAmount: vat.toString(),
    });
  });
  const sent = decimal(sentTotal, MONEY_SCALE, 'total', errors, false);
  if (whole && sent && !sent.equals(total)) {
    errors.push(violation('total', 'TOTAL_MISMATCH', `the lines add up to ${total.toString()}`));
  }
  return { errors, lines, total: total.toString(), vatTotal: vatTotal.toString() };
}
