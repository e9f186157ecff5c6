import { checkDecimal, MONEY, QUANTITY } from './decimal';

describe('checkDecimal', () => {
  it.each([
    ['1719', MONEY, '1719.00'],
    ['49.9', MONEY, '49.90'],
    ['0049.90', MONEY, '49.90'],
    ['12.300', MONEY, '12.30'],
    ['-0.00', MONEY, '0.00'],
    ['9999999999999.99', MONEY, '9999999999999.99'],
    ['-2.5', QUANTITY, '-2.500'],
    ['0.001', QUANTITY, '0.001'],
  ])('%s → canonical', (raw, rule, canonical) => {
    expect(checkDecimal(raw, rule)).toEqual({ ok: true, value: canonical });
  });

  it.each([
    ['10.005', MONEY, 'has more than 2 decimal places'],
    ['1.0001', QUANTITY, 'has more than 3 decimal places'],
    ['-1', MONEY, 'must not be negative'],
    ['10000000000000', MONEY, 'has more than 13 integer digits'],
    ['1e3', MONEY, 'is not a decimal number'],
    ['1,5', MONEY, 'is not a decimal number'],
    ['', QUANTITY, 'is not a decimal number'],
    ['0x10', QUANTITY, 'is not a decimal number'],
  ])('%s is refused (%s)', (raw, rule, reason) => {
    const checked = checkDecimal(raw, rule);
    expect(checked.ok).toBe(false);
    expect(checked.ok ? '' : checked.reason).toContain(reason);
  });

  it('never passes through a JS number: 0.1 + 0.2 stays exact as text', () => {
    expect(checkDecimal('0.30', MONEY)).toEqual({ ok: true, value: '0.30' });
    expect(checkDecimal('123456789012.34', MONEY)).toEqual({ ok: true, value: '123456789012.34' });
  });
});
