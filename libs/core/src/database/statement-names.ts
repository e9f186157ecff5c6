import { createHash } from 'node:crypto';

export interface StatementNameLimits {
  /** Sightings of a text before it is named: a statement run once or twice is not worth a prepared statement. */
  readonly after: number;
  /** Texts ever named by this process: each is a prepared statement on every pooled connection that ran it. */
  readonly max: number;
  /** Texts counted towards `after` at once; the count starts over when it is reached. */
  readonly tracked: number;
  /** Longer texts are never named: they are generated batch statements, and keeping them as keys costs memory. */
  readonly maxLength: number;
}

const DEFAULT_LIMITS: StatementNameLimits = { after: 3, max: 128, tracked: 1_024, maxLength: 8_192 };

/**
 * Names for the statements transactions send again and again, so that PostgreSQL parses, analyses and plans each
 * once per pooled connection instead of on every execution, and pg sends its Parse message once. On the courier's
 * status door that is most of what the database spends per request besides the writes themselves (docs/benchmarks.md,
 * bench:http).
 *
 * Not named, ever:
 * - anything but SELECT, INSERT, UPDATE, DELETE and WITH (utility statements gain nothing);
 * - a text that selects or returns `*` (or `t.*`): it answers the table's columns as they were when the statement
 *   was prepared, and PostgreSQL refuses to run it ("cached plan must not change result type") once a migration
 *   has added one, which during a rolling deploy would fail the old replicas' requests. `count(*)` and a product
 *   (`$7 * interval '1 hour'`) are fine;
 * - texts over `maxLength`, and any new text once `max` are named.
 *
 * A name is derived from the text (SHA-1), so one text has one name in every process and on every connection.
 */
export class StatementNames {
  private readonly names = new Map<string, string>();
  private readonly sightings = new Map<string, number>();

  constructor(private readonly limits: StatementNameLimits = DEFAULT_LIMITS) {}

  /** The name to prepare `text` under, or undefined to send it unnamed. */
  nameFor(text: string): string | undefined {
    const known = this.names.get(text);
    if (known !== undefined || this.names.size >= this.limits.max || !preparable(text, this.limits.maxLength)) {
      return known;
    }
    const seen = (this.sightings.get(text) ?? 0) + 1;
    if (seen < this.limits.after) {
      if (seen === 1 && this.sightings.size >= this.limits.tracked) {
        this.sightings.clear();
      }
      this.sightings.set(text, seen);
      return undefined;
    }
    this.sightings.delete(text);
    const name = `mm_${createHash('sha1').update(text).digest('hex')}`;
    this.names.set(text, name);
    return name;
  }
}

const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;
/** `*` as a list of columns: after SELECT (DISTINCT), RETURNING or a comma, maybe qualified by a table. */
const ALL_COLUMNS = /(?:\bselect(?:\s+distinct)?|\breturning|,)\s*(?:[\w"]+\.)?\*/i;

function preparable(text: string, maxLength: number): boolean {
  return text.length <= maxLength && PREPARABLE.test(text) && !ALL_COLUMNS.test(text);
}
