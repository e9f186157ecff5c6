import { join } from 'node:path';
import { readBaseline, readMigrations } from '../../scripts/check-migrations';
import { checkMigrations, destructiveClauses, MigrationSource } from '../../scripts/migration-check';

const ROOT = join(__dirname, '..', '..');

function migration(name: string, upBody: string, header = ''): MigrationSource {
  return {
    name,
    source: `import { MigrationInterface, QueryRunner } from 'typeorm';
${header}
export class M implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
${upBody}
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(\`DROP TABLE "whatever"\`);
  }
}
`,
  };
}

const EXPAND = migration(
  '1800000000000-AddNickname',
  '    await queryRunner.query(`ALTER TABLE "units" ADD "nickname" character varying`);',
);

describe('the destructive-migration check', () => {
  it('fails on a migration that drops a column', () => {
    const findings = checkMigrations(
      [migration('1800000000001-DropName', '    await queryRunner.query(`ALTER TABLE "units" DROP COLUMN "name"`);')],
      new Set(),
    );
    expect(findings).toHaveLength(1);
    expect(findings[0].problem).toMatch(/drops a column/);
  });

  it('passes a migration that adds a nullable column, and ignores down()', () => {
    expect(checkMigrations([EXPAND], new Set())).toEqual([]);
  });

  it('passes a destructive migration marked as the contract step of an earlier expand', () => {
    const contract = migration(
      '1800000000002-DropOldName',
      '    await queryRunner.query(`ALTER TABLE "units" DROP COLUMN "name"`);',
      '// contract-step-of: 1800000000000-AddNickname',
    );
    expect(checkMigrations([EXPAND, contract], new Set())).toEqual([]);
  });

  it('fails when the marker names a migration that does not exist (or comes later)', () => {
    const contract = migration(
      '1800000000002-DropOldName',
      '    await queryRunner.query(`ALTER TABLE "units" DROP COLUMN "name"`);',
      '// contract-step-of: AddSomethingElse',
    );
    const findings = checkMigrations([EXPAND, contract], new Set());
    expect(findings).toHaveLength(1);
    expect(findings[0].problem).toMatch(/AddSomethingElse, which is not an earlier migration/);
  });

  it('skips migrations in the baseline', () => {
    const old = migration('1700000000000-Old', '    await queryRunner.query(`DROP TABLE "units"`);');
    expect(checkMigrations([old], new Set([old.name]))).toEqual([]);
  });

  it.each([
    ['DROP TABLE "units"', /drops a table/],
    ['ALTER TABLE "units" RENAME COLUMN "name" TO "title"', /renames a column/],
    ['ALTER TABLE "units" RENAME TO "units_legacy"', /renames a table/],
    ['ALTER TABLE "units" ALTER COLUMN "name" TYPE character varying(32)', /type/],
    ['ALTER TABLE "units" ALTER COLUMN "qty" TYPE integer USING qty::integer', /type/],
    ['ALTER TABLE "units" ALTER COLUMN "name" SET NOT NULL', /NOT NULL/],
    ['ALTER TABLE "units" ADD "code" text NOT NULL', /NOT NULL column without a default/],
  ])('flags %s', (sql, problem) => {
    expect(destructiveClauses(sql).join('; ')).toMatch(problem);
  });

  it.each([
    'CREATE TABLE "units" ("id" text NOT NULL, CONSTRAINT "PK_units" PRIMARY KEY ("id"))',
    'ALTER TABLE "units" ADD "code" text NOT NULL DEFAULT \'\'',
    'ALTER TABLE "units" ADD CONSTRAINT "FK_x" FOREIGN KEY ("a") REFERENCES "b"("id")',
    'ALTER TABLE "units" DROP CONSTRAINT "FK_x"',
    'ALTER TABLE "units" ALTER COLUMN "name" DROP NOT NULL',
    'ALTER TABLE "units" ALTER COLUMN "name" TYPE text',
    'DROP INDEX "public"."idx_units_name"',
    'CREATE INDEX "idx_units_name" ON "units" ("name") WHERE "name" IS NOT NULL',
  ])('passes %s', (sql) => {
    expect(destructiveClauses(sql)).toEqual([]);
  });
});

describe('the real migrations', () => {
  it('pass the check (the ones written before the rule through the baseline)', () => {
    const findings = checkMigrations(
      readMigrations(join(ROOT, 'migrations')),
      readBaseline(join(ROOT, 'scripts', 'migration-baseline.json')),
    );
    expect(findings).toEqual([]);
  });

  it('baseline every migration present when the rule came in', () => {
    const baseline = readBaseline(join(ROOT, 'scripts', 'migration-baseline.json'));
    for (const name of [
      '1796530590700-TimePartitionedLogs',
      '1796530681738-TraceIndexes',
      '1796530998092-BackOfficeReports',
    ]) {
      expect(baseline.has(name)).toBe(true);
    }
  });
});
