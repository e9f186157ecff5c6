import { StatementNames } from './statement-names';

describe('StatementNames', () => {
  const limits = { after: 3, max: 2, tracked: 4, maxLength: 200 };
  const sightings = (names: StatementNames, text: string, times: number) =>
    Array.from({ length: times }, () => names.nameFor(text));

  it('names a text from its third sighting on, under one name derived from the text', () => {
    const names = new StatementNames(limits);
    const text = 'SELECT id FROM deliveries WHERE id = $1 FOR UPDATE';
    const [first, second, third, fourth] = sightings(names, text, 4);

    expect([first, second]).toEqual([undefined, undefined]);
    expect(third).toMatch(/^mm_[0-9a-f]{40}$/);
    expect(fourth).toBe(third);
    // Another process (another instance) names the same text the same way, and another text differently.
    expect(sightings(new StatementNames(limits), text, 3)[2]).toBe(third);
    expect(sightings(new StatementNames(limits), `${text} SKIP LOCKED`, 3)[2]).not.toBe(third);
  });

  it('names INSERT, UPDATE, DELETE and WITH statements, counts and products too, whatever their case and blanks', () => {
    const names = new StatementNames({ ...limits, max: 10 });
    for (const text of [
      'INSERT INTO a (v) VALUES ($1)',
      '\n  update a SET v = $1',
      'DELETE FROM a WHERE id = $1',
      'WITH x AS (SELECT 1) SELECT 2',
      'SELECT count(*) FROM a',
      "UPDATE a SET expires_at = now() + $1 * interval '1 hour'",
    ]) {
      expect(sightings(names, text, 3)[2]).toBeDefined();
    }
  });

  it.each([
    ['a SELECT *, whose columns would change under it with a migration', 'SELECT * FROM deliveries WHERE id = $1'],
    ['a RETURNING *', 'INSERT INTO a (v) VALUES ($1) RETURNING *'],
    ['a qualified SELECT t.*', 'SELECT t.* FROM a t WHERE t.id = $1'],
    ['a * among other columns', 'SELECT id, * FROM a'],
    ['a SELECT DISTINCT *', 'SELECT DISTINCT\n  * FROM a'],
    ['a utility statement', 'LOCK TABLE a IN SHARE MODE'],
    ['a statement behind a comment', '/* why */ SELECT 1'],
    ['a text over the length limit', `SELECT ${'1, '.repeat(100)}1`],
  ])('never names %s', (_, text) => {
    expect(sightings(new StatementNames(limits), text, 10)).toEqual(Array(10).fill(undefined));
  });

  it('names no new text once the limit is reached, and keeps the names it gave', () => {
    const names = new StatementNames(limits);
    const [a, b] = ['SELECT 1', 'SELECT 2'].map((text) => sightings(names, text, 3)[2]);

    expect(sightings(names, 'SELECT 3', 10)).toEqual(Array(10).fill(undefined));
    expect([names.nameFor('SELECT 1'), names.nameFor('SELECT 2')]).toEqual([a, b]);
  });

  it('counts at most `tracked` texts at once and starts over when that is reached', () => {
    const names = new StatementNames({ ...limits, max: 10 });
    sightings(names, 'SELECT 0', 2);
    for (let n = 1; n <= 4; n++) {
      names.nameFor(`SELECT ${n}`);
    }
    // The fifth text counted cleared the counts: SELECT 0 needs three more sightings.
    expect(sightings(names, 'SELECT 0', 3)).toEqual([undefined, undefined, expect.stringMatching(/^mm_/)]);
  });
});
