import { AppError } from '../errors/app-error';
import { decodeCursor, encodeCursor, isNonNegativeBigint } from './pagination';

const raw = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('keyset cursors', () => {
  it('decode what they encoded, with only the fields of the schema', () => {
    const cursor = encodeCursor({ createdAt: '2024-02-29T10:00:00.123Z', id: 'b3d1e1f0-6a43-4c1e-9d2a-1f0e2d3c4b5a' });
    expect(decodeCursor(cursor, { createdAt: 'timestamp', id: 'uuid' })).toEqual({
      createdAt: '2024-02-29T10:00:00.123Z',
      id: 'b3d1e1f0-6a43-4c1e-9d2a-1f0e2d3c4b5a',
    });
    expect(decodeCursor(raw({ v: 1, id: '9223372036854775807', extra: 'x' }), { id: 'bigint' })).toEqual({
      id: '9223372036854775807',
    });
    expect(decodeCursor(raw({ v: 1, n: -2147483648 }), { n: 'integer' })).toEqual({ n: -2147483648 });
  });

  it.each([
    ['a non-numeric id', raw({ v: 1, id: 'abc' }), { id: 'bigint' }],
    ['a numeric id', raw({ v: 1, id: 12 }), { id: 'bigint' }],
    ['a negative id', raw({ v: 1, id: '-1' }), { id: 'bigint' }],
    ['an id over bigint', raw({ v: 1, id: '9223372036854775808' }), { id: 'bigint' }],
    ['an id of 20 digits', raw({ v: 1, id: '12345678901234567890' }), { id: 'bigint' }],
    ['an id with leading zeros', raw({ v: 1, id: '007' }), { id: 'bigint' }],
    ['an id with a NUL', raw({ v: 1, id: '1\u0000' }), { id: 'bigint' }],
    [
      'a loose date',
      raw({ v: 1, createdAt: 'yesterday-ish', id: 'b3d1e1f0-6a43-4c1e-9d2a-1f0e2d3c4b5a' }),
      { createdAt: 'timestamp', id: 'uuid' },
    ],
    [
      'an impossible date',
      raw({ v: 1, createdAt: '2024-02-30T00:00:00.000Z', id: 'b3d1e1f0-6a43-4c1e-9d2a-1f0e2d3c4b5a' }),
      { createdAt: 'timestamp', id: 'uuid' },
    ],
    [
      'a date not in toISOString form',
      raw({ v: 1, createdAt: '2024-02-29T10:00:00Z', id: 'b3d1e1f0-6a43-4c1e-9d2a-1f0e2d3c4b5a' }),
      { createdAt: 'timestamp', id: 'uuid' },
    ],
    [
      'a non-uuid id',
      raw({ v: 1, createdAt: '2024-02-29T10:00:00.000Z', id: 'abc' }),
      { createdAt: 'timestamp', id: 'uuid' },
    ],
    ['an integer out of range', raw({ v: 1, n: 2 ** 31 }), { n: 'integer' }],
    ['a fractional integer', raw({ v: 1, n: 1.5 }), { n: 'integer' }],
    ['another version', raw({ v: 2, id: '1' }), { id: 'bigint' }],
    ['a missing field', raw({ v: 1 }), { id: 'bigint' }],
    ['an array', raw([1]), { id: 'bigint' }],
    ['null', raw(null), { id: 'bigint' }],
    ['not JSON', Buffer.from('{"v":1,').toString('base64url'), { id: 'bigint' }],
    ['not base64', '!!!', { id: 'bigint' }],
  ] as const)('refuse %s with a 400 naming the cursor', (_, cursor, schema) => {
    let thrown: unknown;
    try {
      decodeCursor(cursor, schema);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({ code: 'INVALID_CURSOR', category: 'invalid_input', errors: [{ path: 'cursor' }] });
  });

  it('know the range of a PostgreSQL bigint', () => {
    expect(['0', '1', '9223372036854775807'].every(isNonNegativeBigint)).toBe(true);
    expect(['', '-1', '9223372036854775808', '01', '1.0', ' 1', 1].some(isNonNegativeBigint)).toBe(false);
  });
});
