import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

/** The flags of the shipped command that tune V8 (`--max-old-space-size=…` and the like). */
export function shippedV8Flags(command: readonly string[] = shippedApiCommand()): string[] {
  return command.filter((argument) => /^--max-[a-z-]+-size=/.test(argument));
}
