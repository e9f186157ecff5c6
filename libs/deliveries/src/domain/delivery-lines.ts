import { ExactDecimal, MONEY_SCALE, QUANTITY_SCALE } from '@app/core';
import type { OutcomeStatus } from './delivery-status';

/** One row of the shipment's goods, amounts as 1C computed them (decimal strings). */
export interface DeliveryLine {
  readonly lineNo: number;
  readonly quantity: string;
  readonly price: string;
  readonly amount: string;
}

export interface DeliveryMoney {
  /** The document's total, VAT included. */
  readonly total: string;
  /** What the courier collects; zero when the customer prepaid. */
  readonly cashOnDelivery: string;
}

/** Why a courier could not deliver (all or part): the documented list, as 1C's failure reasons are a fixed list. */
export const FAILURE_REASONS = [
  'customer_absent',
  'customer_refused',
  'wrong_address',
  'goods_damaged',
  'goods_missing',
  'payment_refused',
  'outside_time_window',
  'vehicle_breakdown',
  'other',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** One broken rule: the field it is about (a dotted path into the request, `items.0.quantity`) and why. */
export interface Violation {
  readonly path: string;
  readonly code:
    | 'INVALID_DECIMAL'
    | 'AMOUNT_MISMATCH'
    | 'TOTAL_MISMATCH'
    | 'OUT_OF_RANGE'
    | 'OUTCOME_MISMATCH'
    // A trip's shape (trip.ts).
    | 'DUPLICATE'
    | 'UNKNOWN_STOP'
    | 'BEFORE_START'
    | 'NOT_THE_TRIP_COURIER';
  readonly reason: string;
}

function parsed(
  text: string,
  scale: number,
  path: string,
  violations: Violation[],
  options: { positive?: boolean } = {},
): ExactDecimal | undefined {
  if (!ExactDecimal.fits(text, scale)) {
    violations.push({
      path,
      code: 'INVALID_DECIMAL',
      reason: `"${text}" is not a decimal with at most ${scale} decimal places`,
    });
    return undefined;
  }
  const value = ExactDecimal.parse(text, scale);
  if (value.isNegative() || (options.positive === true && value.isZero())) {
    violations.push({ path, code: 'OUT_OF_RANGE', reason: `must be ${options.positive ? 'above' : 'at least'} zero` });
    return undefined;
  }
  return value;
}

/**
 * The shipment's arithmetic, as 1C does it: each line's amount is quantity × price rounded to kopecks (half away
 * from zero), the total is the sum of the line amounts (never the rounding of a sum), and cash on delivery lies
 * between zero and the total. Returns every broken rule, not only the first.
 */
export function checkShipment(lines: readonly DeliveryLine[], money: DeliveryMoney): Violation[] {
  const violations: Violation[] = [];
  const amounts: ExactDecimal[] = [];
  const seen = new Set<number>();
  lines.forEach((line, index) => {
    if (seen.has(line.lineNo)) {
      violations.push({
        path: `items.${index}.lineNo`,
        code: 'OUT_OF_RANGE',
        reason: `line ${line.lineNo} appears twice`,
      });
    }
    seen.add(line.lineNo);
    const quantity = parsed(line.quantity, QUANTITY_SCALE, `items.${index}.quantity`, violations, { positive: true });
    const price = parsed(line.price, MONEY_SCALE, `items.${index}.price`, violations);
    const amount = parsed(line.amount, MONEY_SCALE, `items.${index}.amount`, violations);
    if (!quantity || !price || !amount) {
      return;
    }
    const expected = quantity.times(price, MONEY_SCALE);
    if (!expected.equals(amount)) {
      violations.push({
        path: `items.${index}.amount`,
        code: 'AMOUNT_MISMATCH',
        reason: `${quantity.toString()} × ${price.toString()} is ${expected.toString()}, not ${amount.toString()}`,
      });
    }
    amounts.push(amount);
  });
  const total = parsed(money.total, MONEY_SCALE, 'totals.total', violations);
  const cash = parsed(money.cashOnDelivery, MONEY_SCALE, 'totals.cashOnDelivery', violations);
  if (total && amounts.length === lines.length) {
    const sum = ExactDecimal.sum(amounts, MONEY_SCALE);
    if (!sum.equals(total)) {
      violations.push({
        path: 'totals.total',
        code: 'TOTAL_MISMATCH',
        reason: `the items add up to ${sum.toString()}, not ${total.toString()}`,
      });
    }
  }
  if (total && cash && cash.compare(total) > 0) {
    violations.push({
      path: 'totals.cashOnDelivery',
      code: 'OUT_OF_RANGE',
      reason: `${cash.toString()} is more than the total ${total.toString()}`,
    });
  }
  return violations;
}

/**
 * What the courier reports with an outcome. Lines left out of `delivered` count as handed over in full, or, for a
 * `failed` outcome, as not handed over at all.
 */
export interface OutcomeReport {
  readonly outcome: OutcomeStatus;
  readonly delivered?: readonly { readonly lineNo: number; readonly quantity: string }[];
  readonly cashCollected: string;
  readonly failureReason?: FailureReason;
}

export interface OutcomeFigures {
  /** Per line, what was handed over. */
  readonly delivered: readonly { readonly lineNo: number; readonly quantity: string; readonly amount: string }[];
  readonly deliveredAmount: string;
  /** What the courier must have collected: the delivered amount less what was prepaid, never below zero. */
  readonly expectedCash: string;
  /** What the courier says it collected. */
  readonly cashCollected: string;
}

/**
 * The cash the delivered goods call for: what they cost beyond the part paid in advance (prepaid = total − cash on
 * delivery), never less than nothing.
 */
export function cashCalledFor(
  money: { readonly total: string; readonly cashOnDelivery: string },
  deliveredAmount: ExactDecimal,
): ExactDecimal {
  const prepaid = ExactDecimal.parse(money.total, MONEY_SCALE).minus(
    ExactDecimal.parse(money.cashOnDelivery, MONEY_SCALE),
  );
  const owed = deliveredAmount.minus(prepaid);
  return owed.isNegative() ? ExactDecimal.zero(MONEY_SCALE) : owed;
}

/**
 * Checks a courier's outcome against the shipment: no line above what was shipped, quantities that match the
 * outcome (all for `delivered`, none for `failed`, some but not all for `partially_delivered`), a reason for
 * anything not delivered, and cash equal to what the delivered goods cost beyond the prepaid part
 * (prepaid = total − cash on delivery; each delivered line's amount is quantity × price rounded to kopecks).
 */
export function checkOutcome(
  lines: readonly DeliveryLine[],
  money: DeliveryMoney,
  report: OutcomeReport,
): { readonly violations: Violation[]; readonly figures?: OutcomeFigures } {
  const violations: Violation[] = [];
  const reported = new Map<number, { quantity: string; index: number }>();
  (report.delivered ?? []).forEach((entry, index) => {
    if (!lines.some((line) => line.lineNo === entry.lineNo)) {
      violations.push({
        path: `delivered.${index}.lineNo`,
        code: 'OUT_OF_RANGE',
        reason: `the delivery has no line ${entry.lineNo}`,
      });
    } else if (reported.has(entry.lineNo)) {
      violations.push({
        path: `delivered.${index}.lineNo`,
        code: 'OUT_OF_RANGE',
        reason: `line ${entry.lineNo} is reported twice`,
      });
    } else {
      reported.set(entry.lineNo, { quantity: entry.quantity, index });
    }
  });
  const delivered: { lineNo: number; quantity: ExactDecimal; amount: ExactDecimal; shipped: ExactDecimal }[] = [];
  for (const line of lines) {
    const shipped = ExactDecimal.parse(line.quantity, QUANTITY_SCALE);
    const entry = reported.get(line.lineNo);
    const path = `delivered.${entry?.index ?? -1}.quantity`;
    const unreported = report.outcome === 'failed' ? ExactDecimal.zero(QUANTITY_SCALE) : shipped;
    const quantity = entry ? parsed(entry.quantity, QUANTITY_SCALE, path, violations) : unreported;
    if (!quantity) {
      continue;
    }
    if (quantity.compare(shipped) > 0) {
      violations.push({
        path,
        code: 'OUT_OF_RANGE',
        reason: `${quantity.toString()} is more than the ${shipped.toString()} shipped on line ${line.lineNo}`,
      });
      continue;
    }
    const price = ExactDecimal.parse(line.price, MONEY_SCALE);
    delivered.push({ lineNo: line.lineNo, quantity, amount: quantity.times(price, MONEY_SCALE), shipped });
  }
  const full = delivered.length === lines.length && delivered.every((line) => line.quantity.equals(line.shipped));
  const none = delivered.every((line) => line.quantity.isZero());
  const expectedShape: Record<OutcomeStatus, boolean> = {
    delivered: full,
    failed: none,
    partially_delivered: !full && !none,
  };
  if (violations.length === 0 && !expectedShape[report.outcome]) {
    violations.push({
      path: 'delivered',
      code: 'OUTCOME_MISMATCH',
      reason: {
        delivered: 'a delivered outcome hands over every line in full',
        failed: 'a failed outcome hands over nothing',
        partially_delivered: 'a partial outcome hands over some goods, but not all of them',
      }[report.outcome],
    });
  }
  if (report.outcome !== 'delivered' && report.failureReason === undefined) {
    violations.push({
      path: 'failureReason',
      code: 'OUTCOME_MISMATCH',
      reason: `a ${report.outcome} outcome needs a reason`,
    });
  }
  const cash = parsed(report.cashCollected, MONEY_SCALE, 'cashCollected', violations);
  if (violations.length > 0 || !cash) {
    return { violations };
  }
  const deliveredAmount = ExactDecimal.sum(
    delivered.map((line) => line.amount),
    MONEY_SCALE,
  );
  const expectedCash = cashCalledFor(money, deliveredAmount);
  if (!cash.equals(expectedCash)) {
    // Figures still come back: a door that records a cash deviation instead of refusing it needs them.
    violations.push({
      path: 'cashCollected',
      code: 'AMOUNT_MISMATCH',
      reason: `the delivered goods call for ${expectedCash.toString()} in cash, not ${cash.toString()}`,
    });
  }
  return {
    violations,
    figures: {
      delivered: delivered.map((line) => ({
        lineNo: line.lineNo,
        quantity: line.quantity.toString(),
        amount: line.amount.toString(),
      })),
      deliveredAmount: deliveredAmount.toString(),
      expectedCash: expectedCash.toString(),
      cashCollected: cash.toString(),
    },
  };
}
