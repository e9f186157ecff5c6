import type { EntityMetadata } from 'typeorm';
import { EntitySql } from './entity-sql';

interface Row {
  id: string;
  status: string;
  items: unknown[];
  total: string;
  note: string | null;
  updatedAt: Date;
}

const metadata = {
  tableName: 'rows',
  columns: [
    { databaseName: 'id', propertyName: 'id', type: 'uuid' },
    { databaseName: 'status', propertyName: 'status', type: 'text' },
    { databaseName: 'items', propertyName: 'items', type: 'jsonb' },
    { databaseName: 'total', propertyName: 'total', type: 'numeric' },
    { databaseName: 'note', propertyName: 'note', type: 'text' },
    { databaseName: 'updated_at', propertyName: 'updatedAt', type: 'timestamptz' },
  ],
} as unknown as EntityMetadata;

const sql = new EntitySql<Row>(metadata, ['id']);
const before: Row = {
  id: 'r1',
  status: 'assigned',
  items: [{ lineNo: 1, amount: '99.80' }],
  total: '99.80',
  note: null,
  updatedAt: new Date('2026-12-06T10:00:00Z'),
};

describe('EntitySql.set', () => {
  it('writes every column but the unchanging ones without the row as read', () => {
    expect(sql.set({ ...before, status: 'accepted' }, 3)).toEqual({
      sql: 'status = $3, items = $4, total = $5, note = $6, updated_at = $7',
      params: ['accepted', '[{"lineNo":1,"amount":"99.80"}]', '99.80', null, before.updatedAt],
    });
  });

  it('writes only the columns that differ from the row as read: equal JSON, instants and nulls are left', () => {
    const updatedAt = new Date('2026-12-06T11:00:00Z');
    const next: Row = {
      ...before,
      status: 'accepted',
      items: [{ lineNo: 1, amount: '99.80' }],
      note: undefined as unknown as null,
      updatedAt,
    };
    expect(sql.set(next, 3, { ...before, updatedAt: new Date(before.updatedAt) })).toEqual({
      sql: 'status = $3, updated_at = $4',
      params: ['accepted', updatedAt],
    });
    expect(sql.set({ ...next, items: [{ lineNo: 1, amount: '99.90' }], note: 'x' }, 3, before)).toEqual({
      sql: 'status = $3, items = $4, note = $5, updated_at = $6',
      params: ['accepted', '[{"lineNo":1,"amount":"99.90"}]', 'x', updatedAt],
    });
  });

  it('writes the whole row when nothing differs, rather than an empty SET', () => {
    expect(sql.set(before, 3, before).sql).toBe('status = $3, items = $4, total = $5, note = $6, updated_at = $7');
  });
});
