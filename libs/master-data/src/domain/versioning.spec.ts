import { contentHashOf, decideWrite } from './versioning';

const stored = { versionSeq: 10n, contentHash: 'h1', deleted: false, deactivated: false };

describe('decideWrite', () => {
  it('creates what is not stored', () => {
    expect(decideWrite({ versionSeq: 1n, source: 'api' }, 'h1')).toBe('created');
  });

  it('never lets an older version overwrite a newer one', () => {
    expect(decideWrite({ versionSeq: 9n, source: 'api' }, 'h2', stored)).toBe('stale');
    expect(decideWrite({ versionSeq: 9n, source: 'commerceml' }, 'h2', stored)).toBe('stale');
  });

  it('leaves unchanged content alone, whatever its version', () => {
    expect(decideWrite({ versionSeq: 11n, source: 'api' }, 'h1', stored)).toBe('unchanged');
    expect(decideWrite({ versionSeq: 10n, source: 'api' }, 'h1', stored)).toBe('unchanged');
  });

  it('refuses another content under the same API version, but lets a later record of one exchange win', () => {
    expect(decideWrite({ versionSeq: 10n, source: 'api' }, 'h2', stored)).toBe('stale');
    expect(decideWrite({ versionSeq: 10n, source: 'commerceml' }, 'h2', stored)).toBe('updated');
  });

  it('reactivates a row a full snapshot deactivated, even with the same content', () => {
    expect(decideWrite({ versionSeq: 11n, source: 'commerceml' }, 'h1', { ...stored, deactivated: true })).toBe(
      'updated',
    );
  });
});

describe('contentHashOf', () => {
  it('ignores key order and tells deletion apart', () => {
    const data = { name: 'Склад', address: null, comment: 'у метро' };
    const reordered = { comment: 'у метро', name: 'Склад', address: null };
    expect(contentHashOf(data, false)).toBe(contentHashOf(reordered, false));
    expect(contentHashOf(data, false)).not.toBe(contentHashOf(data, true));
  });
});
