import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository root, whether this file runs from source (tests) or from dist/ (benchmarks, demos). */
export function findRepoRoot(start: string = __dirname): string {
  let directory = start;
  while (!existsSync(join(directory, 'package.json')) || directory.endsWith('dist')) {
    const parent = dirname(directory);
    if (parent === directory) {
      throw new Error(`No repository root above ${start}`);
    }
    directory = parent;
  }
  return directory;
}

/**
 * The folder of shared design notes and real-world fixtures that lives beside the repository (`../shared`). Tests
 * read the fixtures in place where their sources declare no licence to copy them. MM_SHARED_DIR points elsewhere,
 * e.g. when a CI job checks the repository out in another place.
 */
export function sharedFolder(): string {
  const candidates = [process.env.MM_SHARED_DIR, resolve(findRepoRoot(), '..', 'shared'), '/work/shared'].filter(
    (candidate): candidate is string => Boolean(candidate),
  );
  const found = candidates.find((candidate) => existsSync(join(candidate, 'fixtures')));
  if (!found) {
    throw new Error(`The shared fixtures folder is missing (looked in ${candidates.join(', ')}); set MM_SHARED_DIR`);
  }
  return found;
}
