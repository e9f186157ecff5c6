import {
  normalizeBoolean,
  normalizeDate,
  normalizeDateTime,
  normalizeDecimal,
  normalizeSpaces,
  normalizeTime,
} from './commerceml-normalize';

describe('normalizeDecimal', () => {
  it.each([
    ['100', '100'],
    ['231.7400', '231.7400'],
    ['203,78', '203.78'],
    ['1,4', '1.4'],
    ['0,71', '0.71'],
    [' 1\u00a0719 ', '1719'],
    ['1\u00a0234,50', '1234.50'],
    ['1\u202f234,50', '1234.50'],
    ['1 234 567,89', '1234567.89'],
    ['1.234,56', '1234.56'],
    ['1,234.56', '1234.56'],
    ['1,234,567', '1234567'],
    ['1.234.567', '1234567'],
    ['-5,5', '-5.5'],
    ['+7', '7'],
    ['-0', '0'],
    ['.5', '0.5'],
    ['5.', '5'],
  ])('%j → %j', (raw, expected) => {
    expect(normalizeDecimal(raw)).toBe(expected);
  });

  it.each([[''], ['  '], ['договорная'], ['1e3'], ['12,5,6'], ['1.2.3,4'], ['1,23,456'], ['-'], ['.'], ['1-2']])(
    'rejects %j',
    (raw) => {
      expect(normalizeDecimal(raw)).toBeNull();
    },
  );

  it('passes null and undefined through as null', () => {
    expect(normalizeDecimal(null)).toBeNull();
    expect(normalizeDecimal(undefined)).toBeNull();
  });
});

describe('normalizeDate', () => {
  it.each([
    ['2021-02-11', '2021-02-11'],
    ['2021-2-3', '2021-02-03'],
    ['11.02.2021', '2021-02-11'],
    ['11.02.2021 18:45:21', '2021-02-11'],
    ['2021-02-17T22:51:37', '2021-02-17'],
    ['2024-02-29', '2024-02-29'],
  ])('%j → %j', (raw, expected) => {
    expect(normalizeDate(raw)).toBe(expected);
  });

  it.each([['0001-01-01'], ['2023-02-29'], ['2021-13-01'], ['2021-04-31'], ['вчера'], ['']])('rejects %j', (raw) => {
    expect(normalizeDate(raw)).toBeNull();
  });
});

describe('normalizeTime', () => {
  it.each([
    ['9:05:00', '09:05:00'],
    ['18:45:21', '18:45:21'],
    ['18:45', '18:45:00'],
    ['7:5:3', '07:05:03'],
    ['10:11:12.345', '10:11:12'],
  ])('%j → %j', (raw, expected) => {
    expect(normalizeTime(raw)).toBe(expected);
  });

  it.each([['24:00:00'], ['12:60:00'], ['noon'], ['']])('rejects %j', (raw) => {
    expect(normalizeTime(raw)).toBeNull();
  });
});

describe('normalizeDateTime', () => {
  it.each([
    ['2021-02-18T9:49:02', '2021-02-18T09:49:02'],
    ['11.02.2021 18:45:21', '2021-02-11T18:45:21'],
    ['2007-10-30 15:19:27', '2007-10-30T15:19:27'],
    ['2015-08-12', '2015-08-12'],
    ['2021-02-18T09:49:02+03:00', '2021-02-18T09:49:02+03:00'],
    ['2021-02-18T09:49:02Z', '2021-02-18T09:49:02Z'],
  ])('%j → %j', (raw, expected) => {
    expect(normalizeDateTime(raw)).toBe(expected);
  });

  it.each([['0001-01-01T00:00:00'], ['2021-02-18T25:00:00'], ['2021-02-18Tlater']])('rejects %j', (raw) => {
    expect(normalizeDateTime(raw)).toBeNull();
  });
});

describe('normalizeBoolean', () => {
  it.each([
    ['true', true],
    [' TRUE ', true],
    ['1', true],
    ['да', true],
    ['false', false],
    ['0', false],
    ['Нет', false],
  ])('%j → %j', (raw, expected) => {
    expect(normalizeBoolean(raw)).toBe(expected);
  });

  it.each([['yes'], [''], [null]])('gives null for %j', (raw) => {
    expect(normalizeBoolean(raw)).toBeNull();
  });
});

describe('normalizeSpaces', () => {
  it('turns NBSP thousands separators into plain spaces and trims', () => {
    expect(normalizeSpaces(' 1\u00a0719 RUB за пара')).toBe('1 719 RUB за пара');
  });

  it('collapses runs of spaces and gives null for blank input', () => {
    expect(normalizeSpaces('штука      ')).toBe('штука');
    expect(normalizeSpaces('a  \u00a0 b')).toBe('a b');
    expect(normalizeSpaces(' \u00a0 ')).toBeNull();
  });
});
