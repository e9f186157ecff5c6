import { AppConfig, MAINTENANCE_QUEUE, MetricsService, RecurringJob, RecurringJobSummary } from '@app/core';
import { createTestEnvironment, RedisServerProcess, TestEnvironment, waitFor } from '@app/testing';
import { Injectable, Module, Type } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { RECURRING_JOBS } from '../../apps/worker/src/recurring-jobs';
import { RunningWorker, startWorker } from '../../apps/worker/src/worker';
import { runLockKey } from '../../libs/core/src/maintenance/run-lock';

/** What the runs of the test jobs saw; the two workers run in this process, so they share it. */
const seen = { running: 0, maxRunning: 0, slowRuns: 0, startJobRuns: 0 };
let openGate = (): void => undefined;
const gate = new Promise<void>((resolve) => (openGate = resolve));

/** Outlasts its 200 ms period many times over, until the test opens the gate. */
@Injectable()
class SlowJob extends RecurringJob {
  readonly name = 'test-slow';
  readonly everyMs = 200;

  async run(): Promise<RecurringJobSummary> {
    seen.running += 1;
    seen.maxRunning = Math.max(seen.maxRunning, seen.running);
    seen.slowRuns += 1;
    const run = seen.slowRuns;
    try {
      await gate;
    } finally {
      seen.running -= 1;
    }
    return { run };
  }
}

/** Catches up at start; the test holds its lock as a process that died mid-run would. */
@Injectable()
class StartJob extends RecurringJob {
  readonly name = 'test-start';
  readonly everyMs = 60 * 60_000;
  override readonly runAtStart = true;

  run(): Promise<RecurringJobSummary> {
    seen.startJobRuns += 1;
    return Promise.resolve({ run: seen.startJobRuns });
  }
}

/** Turned off by its configuration (period 0): it must have no scheduler, not even one left from before. */
@Injectable()
class DisabledJob extends RecurringJob {
  readonly name = 'test-disabled';
  readonly everyMs = 0;

  run(): Promise<RecurringJobSummary> {
    throw new Error('a disabled job never runs');
  }
}

@Module({ providers: [SlowJob, StartJob, DisabledJob] })
class TestJobsModule {}

const TEST_JOBS: Type<RecurringJob>[] = [SlowJob, StartJob, DisabledJob];

async function runsOf(worker: RunningWorker, job: string, outcome: string): Promise<number> {
  const { body } = await worker.app.get(MetricsService).render();
  const prefix = `recurring_job_runs_total{job="${job}",outcome="${outcome}"} `;
  const line = body.split('\n').find((candidate) => candidate.startsWith(prefix));
  return line ? Number(line.slice(prefix.length)) : 0;
}

describe('recurring jobs across two workers', () => {
  let env: TestEnvironment;
  let config: AppConfig;
  let queue: Queue<{ trigger?: 'start' }, RecurringJobSummary>;
  let redis: Redis;
  const workers: RunningWorker[] = [];

  beforeAll(async () => {
    env = await createTestEnvironment();
    config = env.config({ WORKER_OPS_PORT: '0' });
    queue = new Queue(MAINTENANCE_QUEUE, { connection: { url: env.redisUrl }, prefix: env.redisKeyPrefix });
    redis = new Redis(env.redisUrl);
    // Left by an earlier release (a job since removed), and by a job now turned off.
    await queue.upsertJobScheduler('retired-job', { every: 60_000 }, { name: 'retired-job' });
    await queue.upsertJobScheduler('test-disabled', { every: 60_000 }, { name: 'test-disabled' });
    // A run of test-start in a process that died: its lock lapses by itself, 3 s from now.
    await redis.set(runLockKey(env.redisKeyPrefix, 'test-start'), 'dead-process', 'PX', 3_000);
    for (let index = 0; index < 2; index += 1) {
      workers.push(await startWorker(config, { imports: [TestJobsModule], recurringJobs: TEST_JOBS }));
    }
  });
  afterAll(async () => {
    openGate();
    for (const worker of workers) {
      await worker.close();
    }
    await queue?.close();
    redis?.disconnect();
    await env?.dispose();
  });

  it('gives every enabled job exactly one scheduler in Redis, with its period, and removes the others', async () => {
    const enabled = [...RECURRING_JOBS, ...TEST_JOBS]
      .map((type) => workers[0].app.get(type, { strict: false }))
      .filter((job) => job.everyMs > 0);
    expect(enabled.map((job) => job.name)).toEqual(
      expect.arrayContaining(['heartbeat', 'purge-events', 'onec-exchange-janitor', 'test-slow', 'test-start']),
    );
    // No Bitrix24 portal is configured here: a master-data reconcile could only fail, so it has no scheduler.
    expect(enabled.map((job) => job.name)).not.toContain('master-data-reconcile');
    const byName = (a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key);
    const expected = enabled.map((job) => ({ key: job.name, every: job.everyMs })).sort(byName);

    const schedulers = await waitFor(
      async () => {
        const found = (await queue.getJobSchedulers(0, -1)).map(({ key, every }) => ({ key, every })).sort(byName);
        return JSON.stringify(found) === JSON.stringify(expected) && found;
      },
      { what: 'one scheduler per enabled job and nothing else' },
    );
    expect(schedulers).toEqual(expected);
    expect(await queue.getJobSchedulersCount()).toBe(expected.length);
  });

  it('never runs a job twice at once: triggers during a run are skipped, on both workers', async () => {
    await waitFor(
      async () =>
        seen.slowRuns === 1 &&
        (await runsOf(workers[0], 'test-slow', 'skipped')) > 0 &&
        (await runsOf(workers[1], 'test-slow', 'skipped')) > 0,
      { what: 'triggers of the running job skipped on each worker' },
    );
    expect(seen).toMatchObject({ running: 1, slowRuns: 1 });

    openGate();
    await waitFor(() => Promise.resolve(seen.slowRuns >= 3), { what: 'later runs once the first one ended' });
    expect(seen.maxRunning).toBe(1);
  });

  it('runs a start-up catch-up once the lock of a dead run lapses, instead of skipping it', async () => {
    const completed = async (): Promise<Job<{ trigger?: 'start' }, RecurringJobSummary>[]> =>
      (await queue.getCompleted(0, -1)).filter((job) => job.name === 'test-start');
    const started = await waitFor(
      async () => {
        const ran = (await completed()).filter((job) => job.data?.trigger === 'start');
        return ran.length > 0 && ran;
      },
      { what: 'the start run of test-start' },
    );
    // Both workers started, one start run between them; the scheduled run at registration found the lock and was
    // skipped.
    expect(started.map((job) => job.returnvalue)).toEqual([{ run: 1 }]);
    expect(seen.startJobRuns).toBe(1);
    const scheduled = (await completed()).filter((job) => job.data?.trigger !== 'start');
    expect(scheduled.map((job) => job.returnvalue)).toEqual([{ skipped: 'another run of this job is going' }]);
  });
});

describe('recurring jobs after Redis restarts empty', () => {
  let redis: RedisServerProcess;
  let env: TestEnvironment;
  let worker: RunningWorker | undefined;
  let queue: Queue;

  beforeAll(async () => {
    redis = await RedisServerProcess.start();
    env = await createTestEnvironment({ redisUrl: redis.url });
    worker = await startWorker(env.config({ WORKER_OPS_PORT: '0' }));
    queue = new Queue(MAINTENANCE_QUEUE, { connection: { url: redis.url }, prefix: env.redisKeyPrefix });
  });
  afterAll(async () => {
    await worker?.close();
    await queue?.close();
    await env?.dispose();
    await redis?.down();
  });

  it('registers the schedulers again, so the jobs that repair what Redis lost come back with them', async () => {
    const expected = RECURRING_JOBS.map((type) => worker!.app.get(type, { strict: false }))
      .filter((job) => job.everyMs > 0)
      .map((job) => job.name)
      .sort();
    expect(expected).toContain('events-reconcile-dispatched');
    const names = async () => (await queue.getJobSchedulers(0, -1)).map((scheduler) => scheduler.key).sort();
    await waitFor(async () => JSON.stringify(await names()) === JSON.stringify(expected), {
      what: 'the schedulers registered at start',
    });
    const client = new Redis(redis.url);
    await client.set(`${env.redisKeyPrefix}:marker`, 'before the restart');
    await redis.down();
    await redis.up();
    // Redis came back empty (the schedulers went with the marker); the worker may already have registered again.
    expect(await client.get(`${env.redisKeyPrefix}:marker`)).toBeNull();
    client.disconnect();
    await waitFor(async () => JSON.stringify(await names()) === JSON.stringify(expected), {
      what: 'the schedulers registered again',
    });
  });
});
