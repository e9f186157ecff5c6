import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { findRepoRoot } from '../../libs/testing/src/shared-folder';

/**
 * The command the image starts the API with: the `CMD` of docker/Dockerfile, Node's flags included (the heap bounds
 * the memory figures depend on). The Kubernetes API Deployment passes the same list as its `args`
 * (test/packaging/manifests.spec.ts holds them equal), so a benchmark that runs it measures what production runs.
 */
export function shippedApiCommand(): string[] {
  const dockerfile = readFileSync(join(findRepoRoot(), 'docker', 'Dockerfile'), 'utf8');
  const cmd = dockerfile
    .split('\n')
    .filter((line) => line.startsWith('CMD '))
    .pop();
  if (!cmd) {
    throw new Error('docker/Dockerfile has no CMD');
  }
  const command = JSON.parse(cmd.slice('CMD '.length)) as string[];
  if (command[0] !== 'node') {
    throw new Error(`The Dockerfile's CMD does not start node: ${cmd}`);
  }
  return command;
}

/**
 * What the image's runtime stage sets in the environment of every process it starts (its `ENV` lines after the last
 * `FROM`), the app's own settings aside (NODE_ENV and the like are the ConfigMap's, see {@link shippedApiSettings}):
 * the allocator's tuning, which the memory figures depend on.
 */
export function shippedProcessEnvironment(): Record<string, string> {
  const dockerfile = readFileSync(join(findRepoRoot(), 'docker', 'Dockerfile'), 'utf8').split('\n');
  const runtime = dockerfile.slice(dockerfile.findLastIndex((line) => line.startsWith('FROM ')));
  return Object.fromEntries(
    runtime
      .filter((line) => line.startsWith('ENV '))
      .flatMap((line) => line.slice('ENV '.length).trim().split(/\s+/))
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)] as const)
      .filter(([key]) => key !== 'NODE_ENV'),
  );
}

/** The flags of the shipped command that tune V8 (`--max-old-space-size=…` and the like). */
export function shippedV8Flags(command: readonly string[] = shippedApiCommand()): string[] {
  return command.filter((argument) => /^--max-[a-z-]+-size=/.test(argument));
}

/**
 * Where the shipped ConfigMap names a place of its cluster (addresses, ports, the shared volume, the Redis prefix) or
 * the migration Job's business: a benchmark sets its own. Everything else is taken as shipped.
 */
const PLACE_SETTINGS = new Set([
  'HOST',
  'PORT',
  'TRUST_PROXY',
  'REDIS_KEY_PREFIX',
  'DB_MIGRATIONS_RUN',
  'DB_CREATE_IF_MISSING',
  'WORKER_OPS_PORT',
  'ONEC_EXCHANGE_WORK_DIR',
]);

/** The settings of k8s/configmap.yaml the API runs with in production, but for {@link PLACE_SETTINGS}. */
export function shippedApiSettings(): Record<string, string> {
  const manifest = parse(readFileSync(join(findRepoRoot(), 'k8s', 'configmap.yaml'), 'utf8')) as {
    data: Record<string, string>;
  };
  return Object.fromEntries(Object.entries(manifest.data).filter(([key]) => !PLACE_SETTINGS.has(key)));
}
