import { canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every depth, so the same content in any order gives the same text', () => {
    const left = { b: 1, a: { d: [{ y: 2, x: 1 }], c: 'é' } };
    const right = { a: { c: 'é', d: [{ x: 1, y: 2 }] }, b: 1 };
    expect(canonicalJson(left)).toBe('{"a":{"c":"é","d":[{"x":1,"y":2}]},"b":1}');
    expect(canonicalJson(right)).toBe(canonicalJson(left));
  });

  it('orders keys by UTF-16 code units, capitals before lower case', () => {
    expect(canonicalJson({ b: 1, B: 2, a: 3, Ж: 4, '10': 5, '9': 6 })).toBe('{"10":5,"9":6,"B":2,"a":3,"b":1,"Ж":4}');
  });

  it('drops undefined members, keeps null ones, and writes an undefined array item or root as null', () => {
    expect(canonicalJson({ a: undefined, b: null, c: [undefined, 1] })).toBe('{"b":null,"c":[null,1]}');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson({ only: undefined })).toBe('{}');
  });

  it('writes scalars and strings as JSON does, escapes included', () => {
    expect(canonicalJson(['a"b\n', 1.5, true, '0.10'])).toBe('["a\\"b\\n",1.5,true,"0.10"]');
    expect(canonicalJson([])).toBe('[]');
  });
});
