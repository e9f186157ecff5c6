/**
 * The destructive-migration rule (docs/operations/releases.md): a release's migrations are the *expand* half of an
 * expand/contract change, so the previous release's pods keep working against the new schema while both run. A
 * migration's `up()` must not drop or rename a table or column, narrow a column's type, or make a column NOT NULL
 * without a default, unless the file says it is the contract step of an earlier, already released expand:
 *
 *   // contract-step-of: 1796408576192-MasterDataMirror
 *
 * Migrations written before the rule are listed in scripts/migration-baseline.json (they were applied already).
 * The scan is textual: it reads the string literals inside `up()` (comments skipped) and checks each SQL statement.
 */

export interface MigrationSource {
  /** The file name without `.ts`: `1796408576192-MasterDataMirror`. */
  readonly name: string;
  readonly source: string;
}

export interface MigrationFinding {
  readonly migration: string;
  readonly problem: string;
}

const MARKER = /\/\/\s*contract-step-of:\s*([A-Za-z0-9_-]+)/;

/** Types a column may be changed *to* without refusing a value the old type accepted (for the usual source types). */
const WIDE_TYPES =
  /^(?:text|bigint|double precision|numeric|character varying|varchar|jsonb)\s*(?:;|$|using\b|collate\b)/i;

interface Segment {
  readonly kind: 'code' | 'string';
  readonly text: string;
}

/** Splits TypeScript source into code and string literals; comments are dropped. Nested templates are not needed. */
export function segments(source: string): Segment[] {
  const out: Segment[] = [];
  let code = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      const end = source.indexOf('\n', i);
      i = end === -1 ? source.length : end;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end === -1 ? source.length : end + 2;
    } else if (c === '`' || c === "'" || c === '"') {
      out.push({ kind: 'code', text: code });
      code = '';
      let j = i + 1;
      let text = '';
      while (j < source.length && source[j] !== c) {
        if (source[j] === '\\') {
          text += source[j + 1] ?? '';
          j += 2;
        } else {
          text += source[j];
          j += 1;
        }
      }
      out.push({ kind: 'string', text });
      i = j + 1;
    } else {
      code += c;
      i += 1;
    }
  }
  out.push({ kind: 'code', text: code });
  return out;
}

/** The string literals in the body of `up()`, or `undefined` when the file has no `up(` method. */
export function upStrings(source: string): string[] | undefined {
  const parts = segments(source);
  const strings: string[] = [];
  let state: 'before' | 'params' | 'body' | 'done' = 'before';
  let depth = 0;
  for (const part of parts) {
    if (state === 'done') break;
    if (part.kind === 'string') {
      if (state === 'body') strings.push(part.text);
      continue;
    }
    let text = part.text;
    if (state === 'before') {
      const match = /\basync\s+up\s*\(/.exec(text);
      if (!match) continue;
      state = 'params';
      text = text.slice(match.index + match[0].length);
    }
    for (const ch of text) {
      if (state === 'params' && ch === '{') {
        state = 'body';
        depth = 1;
      } else if (state === 'body' && ch === '{') {
        depth += 1;
      } else if (state === 'body' && ch === '}') {
        depth -= 1;
        if (depth === 0) {
          state = 'done';
          break;
        }
      }
    }
  }
  return state === 'before' ? undefined : strings;
}

/** What is destructive in one SQL statement, or an empty list. */
export function destructiveClauses(statement: string): string[] {
  const sql = statement.replace(/\s+/g, ' ').trim();
  const found: string[] = [];
  if (/\bDROP TABLE\b/i.test(sql)) found.push('drops a table');
  if (/^ALTER TABLE\b/i.test(sql)) {
    for (const clause of sql.replace(/^ALTER TABLE (?:ONLY )?(?:IF EXISTS )?\S+ /i, '').split(/,(?![^()]*\))/)) {
      const c = clause.trim();
      if (
        /^DROP (?:COLUMN )?(?:IF EXISTS )?"?[A-Za-z_]/i.test(c) &&
        !/^DROP (?:CONSTRAINT|DEFAULT|NOT NULL)\b/i.test(c)
      ) {
        found.push('drops a column');
      } else if (/^RENAME\b/i.test(c) && !/^RENAME CONSTRAINT\b/i.test(c)) {
        found.push(/^RENAME TO\b/i.test(c) ? 'renames a table' : 'renames a column');
      } else if (/^ALTER (?:COLUMN )?\S+ (?:SET DATA )?TYPE /i.test(c)) {
        const type = c.replace(/^ALTER (?:COLUMN )?\S+ (?:SET DATA )?TYPE /i, '');
        const unbounded = WIDE_TYPES.test(type) && !/^(?:numeric|character varying|varchar)\s*\(/i.test(type);
        if (!unbounded) found.push(`changes a column's type to ${type.split(/\s+USING\b/i)[0]} (possibly narrower)`);
      } else if (/^ALTER (?:COLUMN )?\S+ SET NOT NULL\b/i.test(c)) {
        found.push('sets NOT NULL on an existing column');
      } else if (/^ADD (?:COLUMN )?(?!CONSTRAINT\b)/i.test(c) && /\bNOT NULL\b/i.test(c) && !/\bDEFAULT\b/i.test(c)) {
        found.push('adds a NOT NULL column without a default');
      }
    }
  }
  return found;
}

/** The findings for a migration set: an empty list passes. `baseline` names migrations written before the rule. */
export function checkMigrations(
  migrations: readonly MigrationSource[],
  baseline: ReadonlySet<string>,
): MigrationFinding[] {
  const findings: MigrationFinding[] = [];
  const sorted = [...migrations].sort((a, b) => a.name.localeCompare(b.name));
  sorted.forEach((migration, index) => {
    if (baseline.has(migration.name)) return;
    const marker = MARKER.exec(migration.source);
    if (marker) {
      const expand = marker[1];
      const earlier = sorted.slice(0, index).some((m) => m.name === expand || m.name.replace(/^\d+-/, '') === expand);
      if (!earlier) {
        findings.push({
          migration: migration.name,
          problem: `contract-step-of names ${expand}, which is not an earlier migration`,
        });
      }
      return;
    }
    const strings = upStrings(migration.source);
    if (strings === undefined) {
      findings.push({ migration: migration.name, problem: 'no up() method found' });
      return;
    }
    for (const statement of strings.join(' ; ').split(';')) {
      for (const clause of destructiveClauses(statement)) {
        findings.push({
          migration: migration.name,
          problem: `${clause}: ${statement.replace(/\s+/g, ' ').trim().slice(0, 120)}`,
        });
      }
    }
  });
  return findings;
}
