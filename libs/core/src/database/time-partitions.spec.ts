import { addPeriods, partitionName, periodStart } from './time-partitions';

describe('time partition periods', () => {
  const at = new Date('2026-12-31T23:30:00Z');

  it('start at UTC midnight or the first of the UTC month', () => {
    expect(periodStart('day', at).toISOString()).toBe('2026-12-31T00:00:00.000Z');
    expect(periodStart('month', at).toISOString()).toBe('2026-12-01T00:00:00.000Z');
  });

  it('step over month and year ends', () => {
    expect(addPeriods('day', periodStart('day', at), 1).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(addPeriods('month', periodStart('month', at), 2).toISOString()).toBe('2027-02-01T00:00:00.000Z');
    expect(addPeriods('month', new Date('2027-03-01T00:00:00Z'), -1).toISOString()).toBe('2027-02-01T00:00:00.000Z');
  });

  it('name a partition after its start', () => {
    expect(partitionName({ table: 'integration_log', granularity: 'day' }, periodStart('day', at))).toBe(
      'integration_log_p20261231',
    );
    expect(partitionName({ table: 'audit_trail', granularity: 'month' }, periodStart('month', at))).toBe(
      'audit_trail_p202612',
    );
  });
});
