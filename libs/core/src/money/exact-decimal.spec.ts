import { ExactDecimal } from './exact-decimal';

const money = (text: string) => ExactDecimal.parse(text, 2);
const quantity = (text: string) => ExactDecimal.parse(text, 3);

describe('ExactDecimal', () => {
  it('parses to its scale and prints the canonical form', () => {
    expect(money('12.5').toString()).toBe('12.50');
    expect(money('0012').toString()).toBe('12.00');
    expect(money('-0.5').toString()).toBe('-0.50');
    expect(money('1.230').toString()).toBe('1.23');
    expect(ExactDecimal.parse('7', 0).toString()).toBe('7');
    expect(money('99999999999999.99').toString()).toBe('99999999999999.99');
    expect(JSON.stringify({ amount: money('3') })).toBe('{"amount":"3.00"}');
  });

  it('refuses more significant places than its scale, and what is not a decimal', () => {
    expect(() => money('12.505')).toThrow('more than 2 decimal places');
    for (const text of ['', '1e3', '1,5', '.5', '5.', 'NaN', '+1']) {
      expect(() => money(text)).toThrow(RangeError);
      expect(ExactDecimal.fits(text, 2)).toBe(false);
    }
    expect(ExactDecimal.fits('12.500', 2)).toBe(true);
    expect(ExactDecimal.fits('12.505', 2)).toBe(false);
  });

  it('adds exactly where a JS number drifts', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(money('0.1').plus(money('0.2')).toString()).toBe('0.30');
    const tenths = Array.from({ length: 10 }, () => money('0.10'));
    expect(ExactDecimal.sum(tenths, 2).toString()).toBe('1.00');
    expect(money('100').minus(money('0.01')).toString()).toBe('99.99');
    expect(money('1.5').plus(quantity('0.125')).toString()).toBe('1.625');
  });

  it('rounds a product half away from zero, as 1C does', () => {
    expect(quantity('0.333').times(money('10.00'), 2).toString()).toBe('3.33');
    expect(quantity('0.125').times(money('0.04'), 2).toString()).toBe('0.01'); // 0.005 → 0.01
    expect(quantity('0.125').times(money('-0.04'), 2).toString()).toBe('-0.01');
    expect(quantity('0.124').times(money('0.04'), 2).toString()).toBe('0.00'); // 0.00496
    expect(quantity('2').times(money('49.90'), 2).toString()).toBe('99.80');
    expect(quantity('3').times(money('0.50'), 4).toString()).toBe('1.5000');
  });

  it('takes a share rounded half away from zero (included VAT, a percentage)', () => {
    expect(money('122.00').share(22n, 122n, 2).toString()).toBe('22.00');
    expect(money('100.00').share(22n, 122n, 2).toString()).toBe('18.03'); // 18.0327…
    expect(money('0.61').share(1n, 122n, 4).toString()).toBe('0.0050'); // exactly 0.005
    expect(money('0.61').share(1n, 122n, 2).toString()).toBe('0.01'); // 0.005 → 0.01
    expect(money('-0.61').share(1n, 122n, 2).toString()).toBe('-0.01');
    expect(money('99.99').share(10n, 100n, 2).toString()).toBe('10.00'); // 9.999
    expect(quantity('1.005').share(1n, 1n, 2).toString()).toBe('1.01'); // a rounding to fewer places
    expect(() => money('1').share(1n, 0n, 2)).toThrow(RangeError);
  });

  it('compares across scales', () => {
    expect(money('1.10').compare(quantity('1.1'))).toBe(0);
    expect(money('1.10').equals(quantity('1.101'))).toBe(false);
    expect(money('-1').compare(money('0'))).toBe(-1);
    expect(money('2').compare(money('1.99'))).toBe(1);
    expect([money('-0.01').isNegative(), money('0').isZero(), money('-0').isNegative()]).toEqual([true, true, false]);
  });
});
