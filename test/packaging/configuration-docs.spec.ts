/**
 * `.env.example` and `docs/configuration.md` describe exactly the variables the config reads: a new read without
 * documentation fails here, and so does documentation of a variable the config no longer reads.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, scanConfig } from './config-variables';

const config = scanConfig();
const configured = [...config.variables.keys()].sort();
const productionRequired = new Set(config.productionRequired.flat());

interface EnvExampleEntry {
  readonly name: string;
  readonly value: string;
  /** `# NAME=value`: shown for reference, not set. */
  readonly commented: boolean;
  /** The line above, which must be a one-line comment explaining the variable. */
  readonly comment: string;
}

function envExample(): EnvExampleEntry[] {
  const lines = readFileSync(join(REPO_ROOT, '.env.example'), 'utf8').split('\n');
  return lines.flatMap((line, index) => {
    const match = /^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    return match
      ? [{ name: match[2], value: match[3], commented: match[1] !== undefined, comment: lines[index - 1] }]
      : [];
  });
}

interface DocsRow {
  readonly name: string;
  readonly defaultCell: string;
  readonly productionCell: string;
  readonly meaning: string;
}

function docsRows(): DocsRow[] {
  return readFileSync(join(REPO_ROOT, 'docs', 'configuration.md'), 'utf8')
    .split('\n')
    .flatMap((line) => {
      const cells = line.split('|').map((cell) => cell.trim());
      const name = /^`([A-Z][A-Z0-9_]*)`$/.exec(cells[1] ?? '')?.[1];
      return name && cells.length >= 6
        ? [{ name, defaultCell: cells[2], productionCell: cells[3], meaning: cells[4] }]
        : [];
    });
}

const duplicates = (names: string[]): string[] => names.filter((name, index) => names.indexOf(name) !== index);

describe('.env.example', () => {
  const entries = envExample();

  it('lists every variable the config reads, once, and nothing else', () => {
    const names = entries.map((entry) => entry.name);
    expect(duplicates(names)).toEqual([]);
    expect({
      missing: configured.filter((name) => !names.includes(name)),
      notReadByConfig: names.filter((name) => !config.variables.has(name)),
    }).toEqual({ missing: [], notReadByConfig: [] });
  });

  it('shows each default as the code has it, and leaves environment-dependent ones commented out', () => {
    for (const entry of entries) {
      const variable = config.variables.get(entry.name);
      const expected = variable?.constantDefault;
      const actual = { name: entry.name, value: entry.value, commented: entry.commented };
      if (expected === undefined) {
        // e.g. `!production`: pinning the development value would change production behaviour if copied.
        expect(actual).toEqual({ name: entry.name, value: expect.any(String), commented: true });
      } else {
        expect(actual).toEqual({ name: entry.name, value: expected ?? '', commented: false });
      }
    }
  });

  it('explains every variable in a one-line comment right above it', () => {
    for (const entry of entries) {
      expect({ name: entry.name, comment: entry.comment }).toEqual({
        name: entry.name,
        comment: expect.stringMatching(/^# \S.{10,}$/),
      });
      expect(/^#\s*[A-Z][A-Z0-9_]*=/.test(entry.comment)).toBe(false);
    }
  });
});

describe('docs/configuration.md', () => {
  const rows = docsRows();

  it('has a row for every variable the config reads, once, and for nothing else', () => {
    const names = rows.map((row) => row.name);
    expect(duplicates(names)).toEqual([]);
    expect({
      missing: configured.filter((name) => !names.includes(name)),
      notReadByConfig: names.filter((name) => !config.variables.has(name)),
    }).toEqual({ missing: [], notReadByConfig: [] });
  });

  it('states each constant default and a meaning', () => {
    for (const row of rows) {
      const expected = config.variables.get(row.name)?.constantDefault;
      if (typeof expected === 'string') {
        expect({ name: row.name, defaultCell: row.defaultCell }).toEqual({
          name: row.name,
          defaultCell: expect.stringContaining(`\`${expected}\``),
        });
      } else if (expected === null) {
        expect({ name: row.name, defaultCell: row.defaultCell }).toEqual({
          name: row.name,
          defaultCell: expect.stringMatching(/unset/),
        });
      }
      expect(row.meaning.length).toBeGreaterThan(10);
    }
  });

  it('marks as required exactly what production refuses to start without', () => {
    expect(productionRequired.size).toBeGreaterThan(0);
    for (const row of rows) {
      expect({ name: row.name, required: /\brequired\b/i.test(row.productionCell) }).toEqual({
        name: row.name,
        required: productionRequired.has(row.name),
      });
    }
  });
});

describe('config scan', () => {
  // A lib's section is any reader call in its `*.config.ts`; the scan must find every kind of call in any file.
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'mm-config-scan-'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('finds every reader call, its constant default and what production requires, in any file', () => {
    const file = join(directory, 'bitrix24-config.ts');
    writeFileSync(
      file,
      `export function readBitrix24(read: EnvReader, production: boolean) {
        const url = read.url('BITRIX24_PORTAL_URL', undefined, ['https:']);
        const token = read.secret('BITRIX24_APPLICATION_TOKEN', 'dev-token');
        const level = read.oneOf<Level>(
          'BITRIX24_LOG_LEVEL',
          ['a', 'b'],
          'a',
        );
        const rate = read.int('BITRIX24_RATE_PER_SECOND', 2 * 1_000, { min: 1 });
        const batch = read.bool('BITRIX24_BATCH', !production);
        const ids = read.list('BITRIX24_ALLOWED_IDS');
        const notAVariable = read.string('lowercase', 'x');
        if (production && !url) {
          read.problem('BITRIX24_PORTAL_URL or BITRIX24_WEBHOOK_URL is required in production');
        }
      }`,
    );
    const scanned = scanConfig([file]);
    expect(
      [...scanned.variables.values()].map(({ name, kind, constantDefault }) => [name, kind, constantDefault]),
    ).toEqual([
      ['BITRIX24_PORTAL_URL', 'url', null],
      ['BITRIX24_APPLICATION_TOKEN', 'secret', 'dev-token'],
      ['BITRIX24_LOG_LEVEL', 'oneOf', 'a'],
      ['BITRIX24_RATE_PER_SECOND', 'int', '2000'],
      ['BITRIX24_BATCH', 'bool', undefined],
      ['BITRIX24_ALLOWED_IDS', 'list', null],
    ]);
    expect(scanned.productionRequired).toEqual([
      ['BITRIX24_APPLICATION_TOKEN'],
      ['BITRIX24_PORTAL_URL', 'BITRIX24_WEBHOOK_URL'],
    ]);
  });

  it("reads core's config folder and every lib's *.config.ts section, never specs", () => {
    const files = [...new Set([...config.variables.values()].map((variable) => variable.file))];
    expect(files).toContain('libs/core/src/config/app-config.ts');
    expect(files).toContain('libs/connectors/onec/src/onec.config.ts');
    expect(config.variables.get('ONEC_EXCHANGE_LOGIN')?.file).toBe('libs/connectors/onec/src/onec.config.ts');
    expect(files.some((file) => file.endsWith('.spec.ts'))).toBe(false);
    expect(config.variables.get('NODE_ENV')).toMatchObject({ kind: 'oneOf', constantDefault: 'development' });
    expect(config.variables.get('PORT')).toMatchObject({ kind: 'int', constantDefault: '3000' });
    expect(config.variables.get('HTTP_BODY_LIMIT_BYTES')?.constantDefault).toBe(String(1024 * 1024));
  });
});
