import { toCsv, wantsCsv } from './csv-report';

describe('toCsv', () => {
  it('writes RFC 4180: a header, CRLF line ends, quotes only where needed, quotes doubled, null as empty', () => {
    expect(
      toCsv(
        ['key', 'count', 'note'],
        [
          ['plain', 3, null],
          ['a,comma', 0, 'say "hi"'],
          ['two\nlines', 1.5, true],
        ],
      ),
    ).toBe('key,count,note\r\nplain,3,\r\n"a,comma",0,"say ""hi"""\r\n"two\nlines",1.5,true\r\n');
  });

  it('keeps a spreadsheet from running a cell as a formula', () => {
    expect(toCsv(['v'], [['=1+1'], ['@SUM(A1)'], ['+7 900'], ['-x']])).toBe(
      "v\r\n'=1+1\r\n'@SUM(A1)\r\n'+7 900\r\n'-x\r\n",
    );
  });
});

describe('wantsCsv', () => {
  it.each([
    ['text/csv', true],
    ['application/json, text/csv;q=0.9', true],
    ['TEXT/CSV', true],
    ['application/json', false],
    ['*/*', false],
    [undefined, false],
  ])('%s → %s', (accept, expected) => {
    expect(wantsCsv(accept)).toBe(expected);
  });
});
