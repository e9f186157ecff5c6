import { shiftPortalTime } from './reconciler';

describe('reconcile cursor arithmetic', () => {
  it('moves a portal timestamp keeping its offset', () => {
    expect(shiftPortalTime('2026-11-27T00:00:30+03:00', -60_000)).toBe('2026-11-26T23:59:30+03:00');
    expect(shiftPortalTime('2026-11-27T00:00:30-05:30', -60_000)).toBe('2026-11-26T23:59:30-05:30');
    expect(shiftPortalTime('2026-11-27T00:00:30.000Z', -60_000)).toBe('2026-11-26T23:59:30.000Z');
    expect(shiftPortalTime('not a date', -60_000)).toBe('not a date');
  });
});
