/**
 * What the configuration reads, found by parsing the sources of libs/core/src/config (every `.ts` file but specs)
 * and every lib's `*.config.ts` section, so a section a new lib registers is picked up without touching these tests.
 *
 * A variable is the first string argument of an EnvReader call (`read.int('PORT', 3000)`,
 * `probe.oneOf('NODE_ENV', …)`). Production requires every `secret(...)` variable, plus each group named by a
 * `problem('… is required in production')` message, such as "JWT_PUBLIC_KEY or JWT_JWKS_URL (or JWT_SECRET)".
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';

export const REPO_ROOT = join(__dirname, '..', '..');
export const CONFIG_DIRECTORY = join(REPO_ROOT, 'libs', 'core', 'src', 'config');

export type ReaderKind = 'string' | 'secret' | 'int' | 'bool' | 'oneOf' | 'url' | 'list' | 'optionalString';

const READER_KINDS: readonly ReaderKind[] = [
  'string',
  'secret',
  'int',
  'bool',
  'oneOf',
  'url',
  'list',
  'optionalString',
];
const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;

export interface ConfigVariable {
  readonly name: string;
  readonly kind: ReaderKind;
  /** Relative to the repo root. */
  readonly file: string;
  /**
   * The fallback when it is a constant (`'info'`, `3000`, `1024 * 1024`, `false`), as the environment would spell
   * it; `null` when there is none (optional values); `undefined` when it depends on other settings (`!production`).
   */
  readonly constantDefault: string | null | undefined;
}

export interface ConfigSurface {
  readonly variables: ReadonlyMap<string, ConfigVariable>;
  /** Each group needs at least one member set in production. */
  readonly productionRequired: readonly (readonly string[])[];
}

function isReaderKind(name: string): name is ReaderKind {
  return (READER_KINDS as readonly string[]).includes(name);
}

function stringValue(node: ts.Node | undefined): string | undefined {
  return node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : undefined;
}

/** Folds literals and products of numbers; anything else is not a constant. */
function constantOf(node: ts.Expression): string | null | undefined {
  const text = stringValue(node);
  if (text !== undefined) {
    return text;
  }
  if (ts.isNumericLiteral(node)) {
    return String(Number(node.text));
  }
  if (node.kind === ts.SyntaxKind.TrueKeyword) {
    return 'true';
  }
  if (node.kind === ts.SyntaxKind.FalseKeyword) {
    return 'false';
  }
  if (ts.isIdentifier(node) && node.text === 'undefined') {
    return null;
  }
  if (ts.isParenthesizedExpression(node)) {
    return constantOf(node.expression);
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.AsteriskToken) {
    const left = constantOf(node.left);
    const right = constantOf(node.right);
    if (typeof left === 'string' && typeof right === 'string' && /^\d+$/.test(left) && /^\d+$/.test(right)) {
      return String(Number(left) * Number(right));
    }
  }
  return undefined;
}

function defaultOf(kind: ReaderKind, args: ts.NodeArray<ts.Expression>): string | null | undefined {
  switch (kind) {
    case 'optionalString':
    case 'list':
      return null;
    case 'oneOf':
      return args[2] ? constantOf(args[2]) : null;
    case 'string':
    case 'secret':
    case 'int':
    case 'bool':
    case 'url':
      return args[1] ? constantOf(args[1]) : null;
  }
}

const LIBS_DIRECTORY = join(REPO_ROOT, 'libs');
const SPEC = /\.(spec|int-spec|e2e-spec)\.ts$/;

/** Core's own sections, plus the `*.config.ts` section of every other lib (connectors and domain libs). */
export function configSourceFiles(): string[] {
  const core = readdirSync(CONFIG_DIRECTORY, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !SPEC.test(file) && !file.endsWith('.d.ts'))
    .map((file) => join(CONFIG_DIRECTORY, file));
  const sections = readdirSync(LIBS_DIRECTORY, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.config.ts') && !file.includes('node_modules'))
    .map((file) => join(LIBS_DIRECTORY, file))
    .filter((path) => !path.startsWith(CONFIG_DIRECTORY));
  return [...new Set([...core, ...sections])].sort();
}

export function scanConfig(files = configSourceFiles()): ConfigSurface {
  const variables = new Map<string, ConfigVariable>();
  const productionRequired: string[][] = [];

  for (const path of files) {
    const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
    const file = relative(REPO_ROOT, path);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        const method = node.expression.name.text;
        const name = stringValue(node.arguments[0]);
        if (isReaderKind(method) && name !== undefined && ENV_NAME.test(name) && !variables.has(name)) {
          variables.set(name, { name, kind: method, file, constantDefault: defaultOf(method, node.arguments) });
          if (method === 'secret') {
            productionRequired.push([name]);
          }
        }
        if (method === 'problem' && name !== undefined && /required in production/.test(name)) {
          const group = name.match(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g) ?? [];
          if (group.length > 0) {
            productionRequired.push(group);
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { variables, productionRequired };
}
