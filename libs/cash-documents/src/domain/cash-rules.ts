import { ExactDecimal, type FieldError, MONEY_SCALE } from '@app/core';
import {
  CASH_OPERATIONS,
  type CashDocument,
  type CashDocumentContent,
  type FiscalReceipt,
  type LedgerAccount,
} from './cash-document';

/** decimal(15,2), 1C's `СуммаДокумента`. */
const MAX_AMOUNT = ExactDecimal.parse('9999999999999.99', MONEY_SCALE);
/** Tag 1214 «признак способа расчёта»: 4 is full payment at the handover of the goods. */
export const FULL_PAYMENT_AT_HANDOVER = 4;
/** Tag 1199 codes: 1–6 (without VAT, 0 %, 10 %, 20 %, 10/110, 20/120), 7–10 (5 %, 7 % and their fractions), 11–12. */
const VAT_RATE_CODES = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);

const money = (text: string) => ExactDecimal.parse(text, MONEY_SCALE);

export function sumOf(amounts: readonly string[]): ExactDecimal {
  return ExactDecimal.sum(amounts.map(money), MONEY_SCALE);
}

/** A positive amount of roubles and kopecks that fits 1C's decimal(15,2); the reason it does not, otherwise. */
export function amountProblem(text: string): string | undefined {
  if (!ExactDecimal.fits(text, MONEY_SCALE)) {
    return 'NOT_AN_AMOUNT: roubles with at most two decimals, e.g. 1500.00';
  }
  const value = money(text);
  if (value.isNegative() || value.isZero()) {
    return 'NOT_POSITIVE: a cash document moves more than nothing';
  }
  return value.compare(MAX_AMOUNT) > 0 ? 'TOO_LARGE: at most 9999999999999.99 (decimal(15,2))' : undefined;
}

function fiscalReceiptProblems(receipt: FiscalReceipt, amount: string, path: string): FieldError[] {
  const errors: FieldError[] = [];
  if (receipt.settlementMethod !== FULL_PAYMENT_AT_HANDOVER) {
    errors.push({
      path: `${path}.settlementMethod`,
      message: `WRONG_SETTLEMENT_METHOD: cash taken at the handover of goods is tag 1214 = ${FULL_PAYMENT_AT_HANDOVER}`,
    });
  }
  receipt.vat.forEach((line, index) => {
    if (!VAT_RATE_CODES.has(line.rateCode)) {
      errors.push({ path: `${path}.vat.${index}.rateCode`, message: 'UNKNOWN_VAT_RATE: a tag 1199 code, 1 to 12' });
    }
  });
  const vat = sumOf(receipt.vat.map((line) => line.amount));
  if (vat.compare(money(amount)) > 0) {
    errors.push({ path: `${path}.vat`, message: `VAT_OVER_AMOUNT: the VAT is more than the ${amount} paid` });
  }
  return errors;
}

/** Zero or more roubles with at most two decimals (VAT can be nothing); the reason it is not, otherwise. */
function nonNegativeProblem(text: string): string | undefined {
  return ExactDecimal.fits(text, MONEY_SCALE) && !money(text).isNegative()
    ? undefined
    : 'NOT_AN_AMOUNT: zero or more roubles with at most two decimals';
}

/** Every amount a document carries, checked before any is added up. */
function amountProblems(content: CashDocumentContent): FieldError[] {
  const checks: [string, string | undefined][] = [
    ['amount', amountProblem(content.amount)],
    ...content.settles.map((item, index): [string, string | undefined] => [
      `settles.${index}.amount`,
      amountProblem(item.amount),
    ]),
    ...content.settles.flatMap((item, index) =>
      (item.fiscalReceipt?.vat ?? []).map((line, at): [string, string | undefined] => [
        `settles.${index}.fiscalReceipt.vat.${at}.amount`,
        nonNegativeProblem(line.amount),
      ]),
    ),
    ...content.lines.map((line, index): [string, string | undefined] => [
      `lines.${index}.amount`,
      amountProblem(line.amount),
    ]),
    ['vatIncluded', content.vatIncluded === null ? undefined : nonNegativeProblem(content.vatIncluded)],
  ];
  return checks.flatMap(([path, message]) => (message ? [{ path, message }] : []));
}

/** An advance report's unspent rest: zero or more roubles, and only an advance report has one. */
export function unspentProblems(operation: CashDocumentContent['operation'], unspent: string | null): FieldError[] {
  if (unspent === null) {
    return [];
  }
  if (operation !== 'expense_report') {
    return [{ path: 'unspent', message: 'NO_UNSPENT: only an advance report returns a rest' }];
  }
  const problem = nonNegativeProblem(unspent);
  return problem ? [{ path: 'unspent', message: problem }] : [];
}

/**
 * The rules a document's content keeps whoever writes it, beyond the shape of its fields: what each operation
 * settles, that its parts add up to its amount exactly, and a fiscal receipt for every customer's cash where the
 * configuration requires one.
 */
export function contentProblems(
  content: CashDocumentContent,
  rules: { readonly fiscalReceiptRequired: boolean },
): FieldError[] {
  const errors = amountProblems(content);
  if (errors.length > 0) {
    return errors;
  }
  const settles = (types: readonly string[], count: 'one' | 'some' | 'none') => {
    if (count === 'none' && content.settles.length > 0) {
      errors.push({ path: 'settles', message: `NOTHING_TO_SETTLE: ${content.operation} settles nothing` });
    }
    if (count === 'one' && content.settles.length !== 1) {
      errors.push({ path: 'settles', message: `ONE_TO_SETTLE: ${content.operation} settles exactly one record` });
    }
    if (count === 'some' && content.settles.length === 0) {
      errors.push({ path: 'settles', message: `NOTHING_SETTLED: ${content.operation} names what it settles` });
    }
    content.settles.forEach((item, index) => {
      if (!types.includes(item.type)) {
        errors.push({
          path: `settles.${index}.type`,
          message: `WRONG_TYPE: ${content.operation} settles ${types.join(' or ')}`,
        });
      }
    });
  };
  const needsAdvance = (needed: boolean) => {
    if (needed !== (content.advanceId !== null)) {
      errors.push({
        path: 'advanceId',
        message: needed
          ? `ADVANCE_REQUIRED: ${content.operation} closes an advance`
          : 'NO_ADVANCE: not for this operation',
      });
    }
  };
  switch (content.operation) {
    case 'customer_payment':
      settles(['delivery', 'instant_order'], 'some');
      needsAdvance(false);
      content.settles.forEach((item, index) => {
        if (item.fiscalReceipt) {
          errors.push(...fiscalReceiptProblems(item.fiscalReceipt, item.amount, `settles.${index}.fiscalReceipt`));
        } else if (rules.fiscalReceiptRequired) {
          errors.push({
            path: `settles.${index}.fiscalReceipt`,
            message: 'FISCAL_RECEIPT_REQUIRED: cash taken from a customer needs the receipt the register printed',
          });
        }
      });
      break;
    case 'customer_refund':
      settles(['return'], 'one');
      needsAdvance(false);
      break;
    case 'accountable_return':
    case 'expense_report':
      settles([], 'none');
      needsAdvance(true);
      break;
    case 'advance_issue':
    case 'change_fund':
      settles([], 'none');
      needsAdvance(false);
      break;
  }
  if (content.settles.length > 0 && !sumOf(content.settles.map((item) => item.amount)).equals(money(content.amount))) {
    errors.push({
      path: 'settles',
      message: `NOT_ADDING_UP: what it settles adds up to ${sumOf(content.settles.map((item) => item.amount)).toString()}, not ${content.amount}`,
    });
  }
  if (content.operation === 'expense_report') {
    if (content.lines.length === 0) {
      errors.push({ path: 'lines', message: 'NO_EXPENSES: an advance report lists what was spent' });
    } else if (!sumOf(content.lines.map((line) => line.amount)).equals(money(content.amount))) {
      errors.push({
        path: 'lines',
        message: `NOT_ADDING_UP: the expenses add up to ${sumOf(content.lines.map((line) => line.amount)).toString()}, not ${content.amount}`,
      });
    }
  } else if (content.lines.length > 0) {
    errors.push({ path: 'lines', message: 'NO_LINES: only an advance report has expense lines' });
  }
  if (content.vatIncluded !== null && money(content.vatIncluded).compare(money(content.amount)) > 0) {
    errors.push({ path: 'vatIncluded', message: `VAT_OVER_AMOUNT: more than the amount ${content.amount}` });
  }
  return errors;
}

/**
 * How a posted document moves its courier's ledger: by the amount 1C posted (the source of truth once posted, even
 * where it differs from the amount submitted), on the operation's account, in the operation's direction. Nothing
 * before 1C posts it.
 */
export function postedMovement(document: CashDocument): {
  readonly account: LedgerAccount;
  readonly amount: ExactDecimal;
} {
  const operation = CASH_OPERATIONS[document.operation];
  const posted =
    document.status === 'posted' && document.onec ? money(document.onec.amount) : ExactDecimal.zero(MONEY_SCALE);
  return { account: operation.account, amount: operation.sign < 0 ? posted.negated() : posted };
}
