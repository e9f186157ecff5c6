import { checkOutcome, checkShipment, type DeliveryLine, type DeliveryMoney } from './delivery-lines';

const LINES: DeliveryLine[] = [
  { lineNo: 1, quantity: '2', price: '49.90', amount: '99.80' },
  { lineNo: 2, quantity: '0.375', price: '312.50', amount: '117.19' }, // 117.1875 → 117.19
  { lineNo: 3, quantity: '1', price: '0.01', amount: '0.01' },
];
const PREPAID_PART: DeliveryMoney = { total: '217.00', cashOnDelivery: '117.00' }; // 100.00 prepaid
const codes = (violations: { path: string; code: string }[]) => violations.map(({ path, code }) => `${path} ${code}`);

describe('checkShipment', () => {
  it('accepts amounts rounded per line to kopecks and a total that is their sum', () => {
    expect(checkShipment(LINES, { total: '217.00', cashOnDelivery: '0' })).toEqual([]);
    expect(checkShipment(LINES, { total: '217', cashOnDelivery: '217' })).toEqual([]);
  });

  it('names every broken rule with its field', () => {
    const violations = checkShipment(
      [
        { lineNo: 1, quantity: '2', price: '49.90', amount: '99.81' },
        { lineNo: 2, quantity: '0', price: '1', amount: '0' },
        { lineNo: 2, quantity: '1.0001', price: '-1', amount: 'x' },
      ],
      { total: '99.80', cashOnDelivery: '100' },
    );
    expect(codes(violations)).toEqual([
      'items.0.amount AMOUNT_MISMATCH',
      'items.1.quantity OUT_OF_RANGE',
      'items.2.lineNo OUT_OF_RANGE',
      'items.2.quantity INVALID_DECIMAL',
      'items.2.price OUT_OF_RANGE',
      'items.2.amount INVALID_DECIMAL',
      'totals.cashOnDelivery OUT_OF_RANGE',
    ]);
    expect(violations[0].reason).toBe('2.000 × 49.90 is 99.80, not 99.81');
  });

  it('compares the total with the sum of the line amounts, not with a rounded sum of exact products', () => {
    // Each line is 0.01665 → 0.02, so 1C's total is 0.06; rounding the exact sum (0.04995) would say 0.05.
    const lines = [1, 2, 3].map((lineNo) => ({ lineNo, quantity: '0.333', price: '0.05', amount: '0.02' }));
    expect(checkShipment(lines, { total: '0.06', cashOnDelivery: '0' })).toEqual([]);
    expect(codes(checkShipment(lines, { total: '0.05', cashOnDelivery: '0' }))).toEqual([
      'totals.total TOTAL_MISMATCH',
    ]);
  });
});

describe('checkOutcome', () => {
  it('a full delivery collects the cash-on-delivery part', () => {
    const result = checkOutcome(LINES, PREPAID_PART, { outcome: 'delivered', cashCollected: '117.00' });
    expect(result).toEqual({
      violations: [],
      figures: {
        delivered: [
          { lineNo: 1, quantity: '2.000', amount: '99.80' },
          { lineNo: 2, quantity: '0.375', amount: '117.19' },
          { lineNo: 3, quantity: '1.000', amount: '0.01' },
        ],
        deliveredAmount: '217.00',
        expectedCash: '117.00',
        cashCollected: '117.00',
      },
    });
  });

  it('a partial delivery collects what the delivered goods cost beyond the prepaid part', () => {
    const report = {
      outcome: 'partially_delivered' as const,
      delivered: [
        { lineNo: 2, quantity: '0.250' }, // 78.125 → 78.13
        { lineNo: 3, quantity: '0' },
      ],
      failureReason: 'customer_refused' as const,
      cashCollected: '77.93', // 99.80 + 78.13 − 100.00
    };
    expect(checkOutcome(LINES, PREPAID_PART, report).figures).toMatchObject({
      deliveredAmount: '177.93',
      expectedCash: '77.93',
    });
    const short = checkOutcome(LINES, PREPAID_PART, { ...report, cashCollected: '78' });
    expect(codes(short.violations)).toEqual(['cashCollected AMOUNT_MISMATCH']);
    expect(short.figures).toMatchObject({ expectedCash: '77.93', cashCollected: '78.00' });
  });

  it('collects nothing when what was delivered is covered by the prepayment, and nothing on a failure', () => {
    const little = { outcome: 'partially_delivered' as const, failureReason: 'goods_damaged' as const };
    expect(
      checkOutcome(LINES, PREPAID_PART, {
        ...little,
        delivered: [
          { lineNo: 2, quantity: '0' },
          { lineNo: 3, quantity: '0' },
        ],
        cashCollected: '0',
      }).figures?.expectedCash,
    ).toBe('0.00');
    expect(
      checkOutcome(LINES, PREPAID_PART, { outcome: 'failed', failureReason: 'customer_absent', cashCollected: '0.00' })
        .figures,
    ).toMatchObject({ deliveredAmount: '0.00', expectedCash: '0.00' });
  });

  it('refuses more than was shipped, unknown or repeated lines, and quantities that contradict the outcome', () => {
    const refused = (report: Parameters<typeof checkOutcome>[2]) =>
      codes(checkOutcome(LINES, PREPAID_PART, report).violations);
    expect(
      refused({
        outcome: 'partially_delivered',
        failureReason: 'other',
        delivered: [{ lineNo: 1, quantity: '3' }],
        cashCollected: '0',
      }),
    ).toEqual(['delivered.0.quantity OUT_OF_RANGE']);
    expect(
      refused({
        outcome: 'partially_delivered',
        failureReason: 'other',
        delivered: [
          { lineNo: 9, quantity: '1' },
          { lineNo: 1, quantity: '1' },
          { lineNo: 1, quantity: '0' },
        ],
        cashCollected: '0',
      }),
    ).toEqual(['delivered.0.lineNo OUT_OF_RANGE', 'delivered.2.lineNo OUT_OF_RANGE']);
    expect(refused({ outcome: 'delivered', delivered: [{ lineNo: 1, quantity: '1' }], cashCollected: '0' })).toEqual([
      'delivered OUTCOME_MISMATCH',
    ]);
    expect(
      refused({
        outcome: 'failed',
        failureReason: 'other',
        delivered: [{ lineNo: 1, quantity: '1' }],
        cashCollected: '0',
      }),
    ).toEqual(['delivered OUTCOME_MISMATCH']);
    expect(refused({ outcome: 'partially_delivered', failureReason: 'other', cashCollected: '117' })).toEqual([
      'delivered OUTCOME_MISMATCH',
    ]);
  });

  it('asks a reason for anything not delivered', () => {
    expect(codes(checkOutcome(LINES, PREPAID_PART, { outcome: 'failed', cashCollected: '0' }).violations)).toEqual([
      'failureReason OUTCOME_MISMATCH',
    ]);
  });
});
