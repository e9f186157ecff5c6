import { ExactDecimal, type FieldError, isCountedUnit, MONEY_SCALE, QUANTITY_SCALE } from '@app/core';
import type { RequestedLine, ReturnLine, SoldLine } from './return';

/** What earlier returns (not rejected) of the same sale took back from one line. */
export interface ReturnedSoFar {
  readonly quantity: string;
  readonly refund: string;
}

export type ReturnRule =
  'INVALID_DECIMAL' | 'OUT_OF_RANGE' | 'UNKNOWN_LINE' | 'DUPLICATE_LINE' | 'OVER_RETURNABLE' | 'WHOLE_UNITS_ONLY';

const isWhole = (value: ExactDecimal) => value.share(1n, 1n, 0).equals(value);

const violation = (path: string, rule: ReturnRule, why: string): FieldError => ({ path, message: `${rule}: ${why}` });

/**
 * The lines of a return checked against the sale and what earlier returns took, with the refund each is due at the
 * sale's own prices (never today's):
 *
 * - a line cannot take back more than was sold less what earlier returns of the sale took;
 * - its refund is the sold amount's share, Окр(sold amount × quantity / sold quantity, 2), so a discount the sale
 *   gave is given back in proportion; the line's last return takes what is left of its amount, so the refunds of a
 *   line always add up to exactly what the customer paid for it.
 */
export function priceReturn(
  requested: readonly RequestedLine[],
  sold: readonly SoldLine[],
  returned: ReadonlyMap<number, ReturnedSoFar>,
): { readonly errors: FieldError[]; readonly lines: ReturnLine[]; readonly refundTotal: string } {
  const errors: FieldError[] = [];
  const lines: ReturnLine[] = [];
  const seen = new Set<number>();
  let refundTotal = ExactDecimal.zero(MONEY_SCALE);
  requested.forEach((line, index) => {
    const at = (field: string) => `items.${index}.${field}`;
    const soldLine = sold.find((candidate) => candidate.lineNo === line.lineNo);
    if (seen.has(line.lineNo)) {
      errors.push(violation(at('lineNo'), 'DUPLICATE_LINE', `line ${line.lineNo} is on an earlier line`));
      return;
    }
    seen.add(line.lineNo);
    if (!soldLine) {
      errors.push(violation(at('lineNo'), 'UNKNOWN_LINE', `the sale has no line ${line.lineNo}`));
      return;
    }
    if (!ExactDecimal.fits(line.quantity, QUANTITY_SCALE)) {
      errors.push(
        violation(at('quantity'), 'INVALID_DECIMAL', `"${line.quantity}" is not a decimal with at most 3 places`),
      );
      return;
    }
    const quantity = ExactDecimal.parse(line.quantity, QUANTITY_SCALE);
    if (quantity.isNegative() || quantity.isZero()) {
      errors.push(violation(at('quantity'), 'OUT_OF_RANGE', 'must be above zero'));
      return;
    }
    const soldQuantity = ExactDecimal.parse(soldLine.soldQuantity, QUANTITY_SCALE);
    // Goods sold by the piece come back by the piece, unless the sale itself measured them (1C allowed a fraction).
    if (isCountedUnit(soldLine.unitCode) && isWhole(soldQuantity) && !isWhole(quantity)) {
      errors.push(violation(at('quantity'), 'WHOLE_UNITS_ONLY', `${soldLine.name} is returned by the piece`));
      return;
    }
    const soldAmount = ExactDecimal.parse(soldLine.soldAmount, MONEY_SCALE);
    const earlier = returned.get(line.lineNo);
    const left = soldQuantity.minus(ExactDecimal.parse(earlier?.quantity ?? '0', QUANTITY_SCALE));
    if (quantity.compare(left) > 0) {
      errors.push(
        violation(at('quantity'), 'OVER_RETURNABLE', `${left.toString()} of line ${line.lineNo} can still be returned`),
      );
      return;
    }
    const refund = quantity.equals(left)
      ? soldAmount.minus(ExactDecimal.parse(earlier?.refund ?? '0', MONEY_SCALE))
      : soldAmount.share(quantity.units, soldQuantity.units, MONEY_SCALE);
    refundTotal = refundTotal.plus(refund);
    lines.push({
      ...line,
      quantity: quantity.toString(),
      productId: soldLine.productId,
      characteristicId: soldLine.characteristicId,
      name: soldLine.name,
      unitCode: soldLine.unitCode,
      vatRate: soldLine.vatRate,
      price: soldLine.price,
      refund: refund.toString(),
      receivedQuantity: null,
    });
  });
  return { errors, lines, refundTotal: refundTotal.toString() };
}

/** The lines where the warehouse counted less than the courier took back. */
export function shortfallOf(
  lines: readonly ReturnLine[],
  received: ReadonlyMap<number, string>,
): { lineNo: number; expected: string; received: string }[] {
  return lines.flatMap((line) => {
    const counted = ExactDecimal.parse(received.get(line.lineNo) ?? '0', QUANTITY_SCALE);
    return counted.compare(ExactDecimal.parse(line.quantity, QUANTITY_SCALE)) < 0
      ? [{ lineNo: line.lineNo, expected: line.quantity, received: counted.toString() }]
      : [];
  });
}

/**
 * The auto-approval rule: a return is approved without an operator when every line's reason is one of `reasons`
 * and its refund is at most `maxRefund`; otherwise it waits for the back office.
 */
export function autoApproves(
  lines: readonly ReturnLine[],
  refundTotal: string,
  rule: { readonly reasons: readonly string[]; readonly maxRefund: string | null },
): boolean {
  return (
    rule.maxRefund !== null &&
    lines.every((line) => rule.reasons.includes(line.reason)) &&
    ExactDecimal.parse(refundTotal, MONEY_SCALE).compare(ExactDecimal.parse(rule.maxRefund, MONEY_SCALE)) <= 0
  );
}
