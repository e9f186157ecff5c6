import { vatRateFromCommerceMl } from './vat-rate';

describe('vatRateFromCommerceMl', () => {
  it.each([
    ['22', '22'],
    ['22%', '22'],
    ['20', '20'],
    ['10.00', '10'],
    ['0', '0'],
    ['22/122', '22/122'],
    ['10/110', '10/110'],
    ['Без налога', 'without'],
    ['без НДС', 'without'],
    ['5', '5'],
  ])('%s → %s', (text, rate) => {
    expect(vatRateFromCommerceMl(text)).toBe(rate);
  });

  it.each(['18', '12', 'НДС', '22/120', ''])('%s is no known rate', (text) => {
    expect(vatRateFromCommerceMl(text)).toBeNull();
  });
});
