import fc from 'fast-check';

/**
 * How hard the fuzz specs push. `npm test` runs them with a few cases each so the suite stays quick; `npm run fuzz`
 * raises FUZZ_RUNS. A failure prints its seed and path: FUZZ_SEED (and FUZZ_PATH) replay exactly that case, and
 * FUZZ_ONLY (operation ids or fixture names, comma-separated) narrows the run to the one that failed, and
 * FUZZ_SWEEP=full sweeps every boundary value instead of the few that find the most.
 */
export interface FuzzSettings {
  readonly runs: number;
  readonly seed: number | undefined;
  readonly path: string | undefined;
  readonly only: readonly string[];
  /** FUZZ_SWEEP=full: every boundary value of every node; otherwise the few that find the most. */
  readonly fullSweep: boolean;
}

export function fuzzSettings(defaultRuns: number, env: NodeJS.ProcessEnv = process.env): FuzzSettings {
  const runs = env.FUZZ_RUNS === undefined ? defaultRuns : Number(env.FUZZ_RUNS);
  const seed = env.FUZZ_SEED === undefined ? undefined : Number(env.FUZZ_SEED);
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error(`FUZZ_RUNS must be a positive integer, not ${env.FUZZ_RUNS}`);
  }
  if (seed !== undefined && !Number.isInteger(seed)) {
    throw new Error(`FUZZ_SEED must be an integer, not ${env.FUZZ_SEED}`);
  }
  const only = (env.FUZZ_ONLY ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  return { runs, seed, path: env.FUZZ_PATH || undefined, only, fullSweep: env.FUZZ_SWEEP === 'full' };
}

/** Whether a named target (an operation id, a fixture) is in this run. */
export function selected(settings: FuzzSettings, name: string): boolean {
  return settings.only.length === 0 || settings.only.includes(name);
}

/** fast-check's parameters: a seed of our own when none is given, so that the report always names one. */
export function propertyParameters<T>(settings: FuzzSettings, runs = settings.runs): fc.Parameters<T> {
  return {
    numRuns: runs,
    seed: settings.seed ?? Math.floor(Math.random() * 2 ** 31),
    ...(settings.path ? { path: settings.path } : {}),
    endOnFailure: true,
  };
}
