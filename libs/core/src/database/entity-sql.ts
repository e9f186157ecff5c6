import type { EntityMetadata } from 'typeorm';

/**
 * Plain SQL for an entity's whole row, derived once from its TypeORM mapping, for the hot paths where the ORM's query
 * builder (a fresh builder, alias escaping and result hydration on every call) cost more CPU than the statement.
 * Rows read through it have the entity's shape and the ORM's types: `date` columns as `YYYY-MM-DD` strings (pg alone
 * would make them Dates), `numeric` as strings, `jsonb` parsed.
 */
export class EntitySql<Entity extends object> {
  /** `col AS "property", …`, to select a row in the entity's shape. */
  readonly columns: string;
  private readonly writable: readonly { readonly column: string; readonly property: string; readonly json: boolean }[];

  readonly table: string;

  constructor(
    metadata: EntityMetadata,
    /** Properties an update never writes (the key, the creation time). */
    readonly unchanging: readonly (keyof Entity & string)[],
  ) {
    this.table = metadata.tableName;
    this.columns = metadata.columns
      .map((column) => {
        const value = column.type === 'date' ? `${column.databaseName}::text` : column.databaseName;
        return `${value} AS "${column.propertyName}"`;
      })
      .join(', ');
    this.writable = metadata.columns
      .filter((column) => !this.unchanging.includes(column.propertyName as keyof Entity & string))
      .map((column) => ({
        column: column.databaseName,
        property: column.propertyName,
        json: column.type === 'jsonb' || column.type === 'json',
      }));
  }

  /**
   * `SET col = $n, …` for every column but the unchanging ones, with its values from `$first` on. JSON columns are
   * sent as text, since pg would send a JavaScript array as a PostgreSQL array.
   *
   * Given `before`, the row as read (and locked) in this transaction, only the columns whose values differ from it:
   * the rest already hold those values. Binding, coercing and re-parsing every column (a delivery's `items` jsonb
   * among them) for a status change cost PostgreSQL more than the change did.
   */
  set(entity: Entity, first: number, before?: Entity): { readonly sql: string; readonly params: unknown[] } {
    const row = entity as Record<string, unknown>;
    const previous = before as Record<string, unknown> | undefined;
    const written = previous
      ? this.writable.filter(({ property, json }) => !sameValue(row[property], previous[property], json))
      : this.writable;
    const columns = written.length > 0 ? written : this.writable;
    return {
      sql: columns.map(({ column }, i) => `${column} = $${first + i}`).join(', '),
      params: columns.map(({ property, json }) => {
        const value = row[property];
        return json && value !== null && value !== undefined ? JSON.stringify(value) : value;
      }),
    };
  }
}

/** Equal as written: JSON by its text, dates by their instant, the rest (strings, numbers, null) as they are. */
function sameValue(value: unknown, previous: unknown, json: boolean): boolean {
  if (
    value === previous ||
    ((value === null || value === undefined) && (previous === null || previous === undefined))
  ) {
    return true;
  }
  if (value instanceof Date && previous instanceof Date) {
    return value.getTime() === previous.getTime();
  }
  if (json && value !== null && value !== undefined && previous !== null && previous !== undefined) {
    return JSON.stringify(value) === JSON.stringify(previous);
  }
  return false;
}
