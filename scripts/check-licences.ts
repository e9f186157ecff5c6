/**
 * `npm run licences:check`: every production dependency (the package-lock's `packages` entries that are not `dev`,
 * as installed under node_modules) carries a licence from the allow-list, or is a listed exception with its reason.
 * One line per offending package, then PASS or FAIL; exit 0 or 1. docs/decisions.md § Dependency hygiene.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Permissive licences (SPDX ids) that let us ship the dependency inside a proprietary product without obligations
 * beyond keeping its notice. Copyleft (GPL, LGPL, AGPL, MPL, EPL, CDDL…) and unknown licences are not on it. */
export const ALLOWED_LICENCES: ReadonlySet<string> = new Set([
  '0BSD',
  'Apache-2.0',
  'BlueOak-1.0.0',
  'BSD-2-Clause',
  'BSD-3-Clause',
  'CC0-1.0',
  'ISC',
  'MIT',
  'MIT-0',
  'Unlicense',
  'Zlib',
]);

/**
 * Packages checked by hand: their metadata names no licence, or one that is not on the list but fits our use. Each
 * names the licence it is published under and why we accept it. An exception holds for one version only, so an
 * upgrade is looked at again.
 */
export const LICENCE_EXCEPTIONS: Readonly<Record<string, { version: string; licence: string; why: string }>> = {
  argparse: {
    version: '2.0.1',
    licence: 'Python-2.0',
    why:
      "a port of CPython's argparse under the PSF licence, permissive like BSD (keep the notice); js-yaml uses it, " +
      'for @nestjs/swagger, and only its command line does',
  },
  pause: {
    version: '0.0.1',
    licence: 'MIT',
    why: 'its package.json has no license field; its Readme.md carries the MIT licence text (used by passport)',
  },
};

export interface InstalledPackage {
  /** Where the lockfile puts it, e.g. node_modules/a/node_modules/b. */
  readonly path: string;
  readonly name: string;
  readonly version: string;
  /** The package.json's `license` (or the legacy `licenses` list), as published. */
  readonly declared: unknown;
}

/** A declared licence as an SPDX expression: the modern string, or the legacy `{ type }` object and list forms. */
export function licenceExpression(declared: unknown): string | undefined {
  if (typeof declared === 'string') {
    return declared.trim() || undefined;
  }
  if (Array.isArray(declared)) {
    const parts = declared.map(licenceExpression);
    // A legacy list offers its licences as alternatives, as `OR` does.
    return parts.length > 0 && parts.every(Boolean) ? parts.map((part) => `(${part})`).join(' OR ') : undefined;
  }
  if (declared && typeof declared === 'object' && 'type' in declared) {
    return licenceExpression(declared.type);
  }
  return undefined;
}

/**
 * Whether an SPDX expression lets us use the package under allowed licences only: `OR` needs one allowed side,
 * `AND` both, `WITH` exceptions only widen a licence's grant so the licence decides. Anything unparsable is refused.
 */
export function expressionAllowed(expression: string, allowed: ReadonlySet<string> = ALLOWED_LICENCES): boolean {
  const tokens = expression.match(/\(|\)|[^\s()]+/g) ?? [];
  let position = 0;
  const peek = () => tokens[position]?.toUpperCase();
  const primary = (): boolean => {
    const token = tokens[position++];
    if (token === undefined) {
      throw new Error('unexpected end');
    }
    if (token === '(') {
      const inner = or();
      if (tokens[position++] !== ')') {
        throw new Error('unbalanced parenthesis');
      }
      return inner;
    }
    if (token === ')' || ['AND', 'OR', 'WITH'].includes(token.toUpperCase())) {
      throw new Error(`unexpected ${token}`);
    }
    let ok = allowed.has(token.replace(/\+$/, ''));
    if (peek() === 'WITH') {
      position += 2;
      ok &&= tokens[position - 1] !== undefined;
    }
    return ok;
  };
  const and = (): boolean => {
    let ok = primary();
    while (peek() === 'AND') {
      position += 1;
      ok = primary() && ok;
    }
    return ok;
  };
  const or = (): boolean => {
    let ok = and();
    while (peek() === 'OR') {
      position += 1;
      ok = and() || ok;
    }
    return ok;
  };
  try {
    const ok = or();
    return ok && position === tokens.length;
  } catch {
    return false;
  }
}

/** Why a package fails the check, or undefined when it passes. */
export function licenceProblem(
  pkg: InstalledPackage,
  exceptions: typeof LICENCE_EXCEPTIONS = LICENCE_EXCEPTIONS,
  allowed: ReadonlySet<string> = ALLOWED_LICENCES,
): string | undefined {
  const exception = Object.hasOwn(exceptions, pkg.name) ? exceptions[pkg.name] : undefined;
  if (exception) {
    return exception.version === pkg.version
      ? undefined
      : `${pkg.name}@${pkg.version}: the exception checked version ${exception.version}; check this one and update it`;
  }
  const expression = licenceExpression(pkg.declared);
  if (expression === undefined) {
    return `${pkg.name}@${pkg.version} (${pkg.path}): no licence declared`;
  }
  return expressionAllowed(expression, allowed)
    ? undefined
    : `${pkg.name}@${pkg.version} (${pkg.path}): ${expression} is not on the allow-list`;
}

interface LockEntry {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  link?: boolean;
}

/**
 * The production dependencies installed under `root`, as package-lock.json lists them. An optional package for
 * another platform is not installed and not shipped, so it is skipped; any other missing package is an error.
 */
export function productionPackages(root: string): { packages: InstalledPackage[]; missing: string[] } {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const packages: InstalledPackage[] = [];
  const missing: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path.startsWith('node_modules/') || entry.dev || entry.link) {
      continue;
    }
    const manifest = join(root, path, 'package.json');
    if (!existsSync(manifest)) {
      if (!entry.optional) {
        missing.push(path);
      }
      continue;
    }
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
      name?: string;
      version?: string;
      license?: unknown;
      licenses?: unknown;
    };
    packages.push({
      path,
      name: pkg.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length),
      version: pkg.version ?? entry.version ?? '?',
      declared: pkg.license ?? pkg.licenses,
    });
  }
  return { packages, missing };
}

export function checkLicences(root: string): { ok: boolean; lines: string[] } {
  const { packages, missing } = productionPackages(root);
  const problems = [
    ...missing.map((path) => `${path}: in package-lock.json but not installed (run npm ci)`),
    ...packages.map((pkg) => licenceProblem(pkg)).filter((problem): problem is string => problem !== undefined),
  ];
  const lines = problems.map((problem) => `✗ ${problem}`);
  lines.push(
    problems.length === 0
      ? `PASS ${packages.length} production packages, all under allowed licences ` +
          `(${Object.keys(LICENCE_EXCEPTIONS).length} checked by hand)`
      : `FAIL ${problems.length} of ${packages.length + missing.length} production packages`,
  );
  return { ok: problems.length === 0, lines };
}

if (require.main === module) {
  const result = checkLicences(join(__dirname, '..', '..'));
  process.stdout.write(`${result.lines.join('\n')}\n`);
  process.exitCode = result.ok ? 0 : 1;
}
