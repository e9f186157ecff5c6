import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const REPO_ROOT = join(__dirname, '..', '..');
const DEPCRUISE = join(REPO_ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruiser.mjs');

interface Cruise {
  modules: { source: string; dependencies: { module: string; resolved: string; couldNotResolve: boolean }[] }[];
  summary: { violations: { rule: { name: string }; from: string; to: string }[]; totalCruised: number };
}

/** The `depcruise` step of `npm run lint`: its config file and the directories it cruises. */
function lintStep(): { config: string; directories: string[] } {
  const { scripts } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  expect(scripts.lint).toContain('npm run -s lint:layers');
  const [command, option, config, ...directories] = scripts['lint:layers'].split(/\s+/);
  expect([command, option]).toEqual(['depcruise', '--config']);
  return { config: join(REPO_ROOT, config), directories };
}

/** Runs depcruise with the lint step's config on `directories` of `cwd`, with a JSON report. */
function depcruise(cwd: string, directories: readonly string[]): Cruise {
  const args = ['--config', lintStep().config, '--output-type', 'json', ...directories];
  const run = spawnSync(process.execPath, [DEPCRUISE, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error || !run.stdout) {
    throw new Error(`depcruise did not report: ${run.error?.message ?? run.stderr}`);
  }
  return JSON.parse(run.stdout) as Cruise;
}

function violationsOf(cruise: Cruise): string[] {
  return cruise.summary.violations.map(({ rule, from, to }) => `${rule.name}: ${from} -> ${to}`).sort();
}

describe('layer rules (dependency-cruiser in npm run lint)', () => {
  it('report each forbidden import of a tree laid out like this repository, and nothing it allows', () => {
    // Every fixture file marked ✗ holds one forbidden import; the others hold only allowed ones (a domain's
    // infrastructure through @app/onec, a domain through another's index, a spec importing @app/testing).
    const cruise = depcruise(join(__dirname, 'layer-fixtures'), ['apps', 'libs']);

    expect(violationsOf(cruise)).toEqual(
      [
        'connector-to-connector: libs/connectors/bitrix24/src/catalog-sync.ts -> libs/connectors/onec/src/index.ts',
        'connector-to-domain: libs/connectors/bitrix24/src/inbound.ts -> libs/master-data/src/index.ts',
        'core-imports-nothing-above: libs/core/src/clock.ts -> libs/events/src/index.ts',
        'domain-to-connector-outside-infrastructure: libs/master-data/src/application/sync-items.ts -> libs/connectors/onec/src/index.ts',
        'events-imports-core-only: libs/events/src/relay.ts -> libs/connectors/bitrix24/src/index.ts',
        'lib-through-its-index: libs/master-data/src/infrastructure/onec-catalog.ts -> libs/connectors/onec/src/client.ts',
        'lib-to-app: libs/deliveries/src/application/plan-route.ts -> apps/api/src/main.ts',
        'no-runtime-cycle: libs/deliveries/src/domain/route.ts -> libs/deliveries/src/domain/stop.ts',
        'test-code-in-production: libs/master-data/src/http/items.controller.ts -> libs/testing/src/index.ts',
      ].sort(),
    );
  });

  it('pass on the real tree, with every @app/<lib> import resolved through tsconfig paths', () => {
    const cruise = depcruise(REPO_ROOT, lintStep().directories);

    expect(violationsOf(cruise)).toEqual([]);
    // An import that stopped resolving (an alias above all) would be outside every rule and pass silently.
    const dependencies = cruise.modules.flatMap(({ source, dependencies }) =>
      dependencies.map((dependency) => ({ ...dependency, edge: `${source} -> ${dependency.module}` })),
    );
    expect(dependencies.filter(({ couldNotResolve }) => couldNotResolve).map(({ edge }) => edge)).toEqual([]);
    const aliased = dependencies.filter(({ module }) => module.startsWith('@app/'));
    expect(aliased.length).toBeGreaterThan(100);
    const aliasedPastIndex = aliased.filter(
      ({ resolved }) => !/^libs\/(?:connectors\/)?[^/]+\/src\/index\.ts$/.test(resolved),
    );
    expect(aliasedPastIndex.map(({ edge }) => edge)).toEqual([]);
    expect(cruise.modules.filter(({ source }) => source.startsWith('test/packaging/layer-fixtures/'))).toEqual([]);
  });
});
