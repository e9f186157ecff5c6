/**
 * `npm run licences:check`: the SPDX logic of the allow-list, which lockfile entries count as shipped, and the
 * repository's own installed tree passing.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkLicences,
  expressionAllowed,
  LICENCE_EXCEPTIONS,
  licenceExpression,
  licenceProblem,
  productionPackages,
} from '../../scripts/check-licences';

const ROOT = join(__dirname, '..', '..');

describe('licence expressions', () => {
  it.each([
    ['MIT', true],
    ['Apache-2.0', true],
    ['(MIT OR GPL-3.0-only)', true],
    ['GPL-3.0-only OR Apache-2.0', true],
    ['MIT AND BSD-3-Clause', true],
    ['MIT AND GPL-2.0-only', false],
    ['(MIT OR GPL-2.0) AND LGPL-3.0', false],
    ['Apache-2.0 WITH LLVM-exception', true],
    ['GPL-2.0 WITH Classpath-exception-2.0', false],
    ['Apache-2.0+', true],
    ['GPL-3.0-or-later', false],
    ['SEE LICENSE IN LICENSE.md', false],
    ['UNLICENSED', false],
    ['(MIT', false],
    ['MIT OR', false],
    ['', false],
  ])('%s → %s', (expression, allowed) => {
    expect(expressionAllowed(expression)).toBe(allowed);
  });

  it('reads the legacy object and list forms as expressions, the list as alternatives', () => {
    expect(licenceExpression({ type: 'MIT', url: 'http://opensource.org/licenses/MIT' })).toBe('MIT');
    expect(licenceExpression([{ type: 'GPL-2.0' }, { type: 'MIT' }])).toBe('(GPL-2.0) OR (MIT)');
    expect(expressionAllowed(licenceExpression([{ type: 'GPL-2.0' }, { type: 'MIT' }])!)).toBe(true);
    expect(licenceExpression(undefined)).toBeUndefined();
    expect(licenceExpression([])).toBeUndefined();
    expect(licenceExpression({ url: 'x' })).toBeUndefined();
  });
});

describe('a package against the allow-list', () => {
  const pkg = (name: string, declared: unknown, version = '1.0.0') => ({
    path: `node_modules/${name}`,
    name,
    version,
    declared,
  });

  it('passes an allowed licence and names the package and its licence otherwise', () => {
    expect(licenceProblem(pkg('a', 'ISC'))).toBeUndefined();
    expect(licenceProblem(pkg('b', 'AGPL-3.0-only'))).toBe(
      'b@1.0.0 (node_modules/b): AGPL-3.0-only is not on the allow-list',
    );
    expect(licenceProblem(pkg('c', undefined))).toBe('c@1.0.0 (node_modules/c): no licence declared');
  });

  it('accepts an exception for the version checked only, and every exception gives its licence and reason', () => {
    const exceptions = { odd: { version: '1.0.0', licence: 'Custom', why: 'read by hand' } };
    expect(licenceProblem(pkg('odd', 'SEE LICENSE IN LICENSE'), exceptions)).toBeUndefined();
    expect(licenceProblem(pkg('odd', 'SEE LICENSE IN LICENSE', '2.0.0'), exceptions)).toMatch(
      /^odd@2\.0\.0: the exception checked version 1\.0\.0/,
    );
    for (const exception of Object.values(LICENCE_EXCEPTIONS)) {
      expect(exception.licence).not.toBe('');
      expect(exception.why.length).toBeGreaterThan(20);
    }
  });
});

describe('the production tree', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'licences-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const install = (path: string, manifest: Record<string, unknown>) => {
    mkdirSync(join(root, path), { recursive: true });
    writeFileSync(join(root, path, 'package.json'), JSON.stringify(manifest));
  };

  it('checks non-dev entries as installed, skips dev ones and optional ones for other platforms', () => {
    writeFileSync(
      join(root, 'package-lock.json'),
      JSON.stringify({
        lockfileVersion: 3,
        packages: {
          '': { name: 'app', license: 'UNLICENSED' },
          'node_modules/ok': { version: '1.0.0', license: 'MIT' },
          'node_modules/ok/node_modules/copyleft': { version: '2.0.0', license: 'MIT' },
          'node_modules/tooling': { version: '1.0.0', dev: true, license: 'GPL-3.0' },
          'node_modules/native-darwin': { version: '1.0.0', optional: true, os: ['darwin'] },
          'node_modules/vanished': { version: '1.0.0' },
        },
      }),
    );
    install('node_modules/ok', { name: 'ok', version: '1.0.0', license: 'MIT' });
    // The installed manifest is what counts, not the lockfile's copy of it.
    install('node_modules/ok/node_modules/copyleft', { name: 'copyleft', version: '2.0.0', license: 'GPL-2.0' });
    install('node_modules/tooling', { name: 'tooling', version: '1.0.0', license: 'GPL-3.0' });

    expect(productionPackages(root)).toEqual({
      packages: [
        { path: 'node_modules/ok', name: 'ok', version: '1.0.0', declared: 'MIT' },
        {
          path: 'node_modules/ok/node_modules/copyleft',
          name: 'copyleft',
          version: '2.0.0',
          declared: 'GPL-2.0',
        },
      ],
      missing: ['node_modules/vanished'],
    });
    expect(checkLicences(root)).toEqual({
      ok: false,
      lines: [
        '✗ node_modules/vanished: in package-lock.json but not installed (run npm ci)',
        '✗ copyleft@2.0.0 (node_modules/ok/node_modules/copyleft): GPL-2.0 is not on the allow-list',
        'FAIL 2 of 3 production packages',
      ],
    });
  });

  it("passes for this repository's installed dependencies", () => {
    const result = checkLicences(ROOT);
    expect(result.lines.filter((line) => line.startsWith('✗'))).toEqual([]);
    expect(result.ok).toBe(true);
  });
});
