import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { findRepoRoot } from './shared-folder';

const REPO_ROOT = findRepoRoot(__dirname);

export const APP_ENTRYPOINTS = {
  api: join(REPO_ROOT, 'dist', 'apps', 'api', 'src', 'main.js'),
  worker: join(REPO_ROOT, 'dist', 'apps', 'worker', 'src', 'main.js'),
  /** The worker plus what the tests register (libs/testing/src/events/test-worker.main.ts). */
  testWorker: join(REPO_ROOT, 'dist', 'libs', 'testing', 'src', 'events', 'test-worker.main.js'),
} as const;

/** A real app process started from the build that test/global-setup.ts makes, as production runs it. */
export class AppProcess {
  private output = '';
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** `telemetry` loads the OpenTelemetry bootstrap first, as `npm start` and the image do. */
  static start(
    kind: keyof typeof APP_ENTRYPOINTS,
    env: Record<string, string>,
    options: { telemetry?: boolean } = {},
  ): AppProcess {
    const preload = options.telemetry
      ? ['--require', join(REPO_ROOT, 'dist', 'libs', 'core', 'src', 'telemetry', 'register.js')]
      : [];
    const child = spawn(process.execPath, [...preload, APP_ENTRYPOINTS[kind]], {
      // The helpers wait on log lines, so a process never runs silent here.
      env: {
        PATH: process.env.PATH ?? '',
        TZ: 'UTC',
        ...env,
        LOG_LEVEL: env.LOG_LEVEL === 'silent' ? 'info' : (env.LOG_LEVEL ?? 'info'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new AppProcess(child);
  }

  get logs(): string {
    return this.output;
  }

  /** Resolves with the first match of `pattern` in the process output. */
  async waitForOutput(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.output.match(pattern);
      if (match) {
        return match;
      }
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(
          `Did not see ${pattern} (exit code ${this.child.exitCode}). Output:\n${this.output.slice(-4000)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  waitForExit(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.exited;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
    }
    await this.exited;
  }
}

/** An API process started by {@link startApiProcess}, and the address it listens on. */
export interface ApiProcess {
  readonly app: AppProcess;
  readonly url: string;
}

/**
 * Starts the built API as production runs it and resolves once it listens. It listens where `env` says (`PORT`
 * `0`, as a test environment's settings have it, picks a free port); the address is read from its log line, so two
 * started at once never race for a port. A process that does not come up is stopped before the error is thrown.
 */
export async function startApiProcess(
  env: Record<string, string>,
  options: { telemetry?: boolean } = {},
): Promise<ApiProcess> {
  const app = AppProcess.start('api', env, options);
  try {
    const [, url] = await app.waitForOutput(/API listening on (http:\/\/[^ ]+)/);
    return { app, url };
  } catch (error) {
    await app.stop();
    throw error;
  }
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined | false>,
  { timeoutMs = 30_000, intervalMs = 100, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
