/**
 * `npm run check:migrations [-- --dir migrations]`: fails (exit 1) when a migration not in the baseline changes the
 * schema destructively without a `// contract-step-of: <ExpandMigration>` marker (scripts/migration-check.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { checkMigrations, MigrationSource } from './migration-check';

const MIGRATION_FILE = /^\d+-[A-Za-z0-9]+\.ts$/;

export function readMigrations(dir: string): MigrationSource[] {
  return readdirSync(dir)
    .filter((file) => MIGRATION_FILE.test(file))
    .map((file) => ({ name: file.replace(/\.ts$/, ''), source: readFileSync(join(dir, file), 'utf8') }));
}

export function readBaseline(file: string): Set<string> {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { migrations: string[] };
  return new Set(parsed.migrations);
}

function main(): number {
  const root = resolve(__dirname, '..', '..');
  const { values } = parseArgs({
    options: { dir: { type: 'string' }, baseline: { type: 'string' } },
  });
  const dir = resolve(values.dir ?? join(root, 'migrations'));
  const baseline = readBaseline(resolve(values.baseline ?? join(root, 'scripts', 'migration-baseline.json')));
  const migrations = readMigrations(dir);
  const findings = checkMigrations(migrations, baseline);
  for (const finding of findings) process.stderr.write(`✗ ${finding.migration}: ${finding.problem}\n`);
  if (findings.length > 0) {
    process.stderr.write(
      `${findings.length} destructive change(s): split into expand/contract, or mark the contract step with ` +
        '`// contract-step-of: <ExpandMigration>` (docs/operations/releases.md)\n',
    );
    return 1;
  }
  process.stdout.write(`✓ ${migrations.length} migrations, none destructive outside the baseline\n`);
  return 0;
}

if (require.main === module) process.exitCode = main();
