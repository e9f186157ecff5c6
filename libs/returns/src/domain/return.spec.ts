import { awaitsRefundSettlement, type Return } from './return';

describe('awaitsRefundSettlement: what keeps a posted return from closing', () => {
  const picked = (cashRefund: string | null, settled = false) =>
    ({
      pickup: { occurredAt: new Date('2026-12-05T12:00:00Z'), geo: null, cashRefund },
      refundSettlement: settled
        ? { documentId: 'a0e1c1d2-0000-4000-8000-000000000001', documentNumber: 'ЦБ-000301', postedAt: new Date() }
        : null,
    }) as Partial<Return> as Return;

  it('waits for the РКО of cash paid back', () => {
    expect(awaitsRefundSettlement(picked('96.47'))).toBe(true);
  });

  it('waits no more once 1C posted the РКО', () => {
    expect(awaitsRefundSettlement(picked('96.47', true))).toBe(false);
  });

  it('never waits without cash paid back, nor for 0.00 (no РКО is raised for it)', () => {
    expect(awaitsRefundSettlement(picked(null))).toBe(false);
    expect(awaitsRefundSettlement(picked('0.00'))).toBe(false);
    expect(awaitsRefundSettlement({ ...picked(null), pickup: null })).toBe(false);
  });
});
