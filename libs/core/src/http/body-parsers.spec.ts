import { nestsDeeperThan } from './body-parsers';

describe('nestsDeeperThan', () => {
  it.each([
    ['a scalar', '"x"', 0, false],
    ['an empty object at its limit', '{}', 1, false],
    ['arrays one level too deep', '[[[]]]', 2, true],
    ['mixed objects and arrays at the limit', '{"a":[{"b":[1]}]}', 4, false],
    ['mixed objects and arrays one too deep', '{"a":[{"b":[1]}]}', 3, true],
    ['brackets inside strings', '{"a":"[[[[{{{{"}', 1, false],
    ['escaped quotes inside strings', '{"a":"\\"[[[[","b":"\\\\"}', 1, false],
    ['siblings, which do not add up', '[[],[],[],[]]', 2, false],
  ])('%s', (_name, json, limit, expected) => {
    expect(nestsDeeperThan(json, limit)).toBe(expected);
    if (!expected) {
      // The scan agrees with the parser: what it lets through parses.
      expect(() => JSON.parse(json) as unknown).not.toThrow();
    }
  });

  it('stops at the first level too deep of a huge body', () => {
    expect(nestsDeeperThan('['.repeat(1_000_000), 16)).toBe(true);
  });
});
