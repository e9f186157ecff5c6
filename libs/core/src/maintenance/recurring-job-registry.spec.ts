import { Injectable, Module, Type } from '@nestjs/common';
import { DiscoveryModule, NestFactory } from '@nestjs/core';
import { RecurringJob, RecurringJobSummary } from './recurring-job';
import { LISTED_RECURRING_JOBS, RecurringJobRegistry } from './recurring-job-registry';

abstract class TestJob extends RecurringJob {
  readonly everyMs: number = 1_000;

  run(): Promise<RecurringJobSummary> {
    return Promise.resolve({});
  }
}

@Injectable()
class PurgeThings extends TestJob {
  readonly name = 'purge-things';
}

@Injectable()
class OffJob extends TestJob {
  readonly name = 'off';
  override readonly everyMs = 0;
}

@Injectable()
class AnotherPurgeThings extends TestJob {
  readonly name = 'purge-things';
}

/** Boots the registry in an app that provides `provided` and lists `listed`. */
async function registry(provided: Type<RecurringJob>[], listed: Type<RecurringJob>[]): Promise<RecurringJobRegistry> {
  @Module({
    imports: [DiscoveryModule],
    providers: [...provided, { provide: LISTED_RECURRING_JOBS, useValue: listed }, RecurringJobRegistry],
  })
  class AppModule {}
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false, abortOnError: false });
  try {
    return app.get(RecurringJobRegistry);
  } finally {
    await app.close();
  }
}

describe('RecurringJobRegistry', () => {
  it('resolves the listed jobs and runs those with a period', async () => {
    const jobs = await registry([PurgeThings, OffJob], [PurgeThings, OffJob]);
    expect(jobs.enabled.map((job) => job.name)).toEqual(['purge-things']);
    expect(jobs.of('purge-things')).toBeInstanceOf(PurgeThings);
    expect(jobs.of('off')).toBeUndefined();
  });

  it('refuses to start with a job provided but not listed: it would silently never run', async () => {
    await expect(registry([PurgeThings, OffJob], [PurgeThings])).rejects.toThrow(
      'Recurring job(s) provided but not listed in apps/worker/src/recurring-jobs.ts: OffJob',
    );
  });

  it('refuses to start with a job listed but provided by no module', async () => {
    await expect(registry([], [PurgeThings])).rejects.toThrow(
      'Recurring job PurgeThings is listed but no module of the worker provides it',
    );
  });

  it('refuses two jobs with one name: they would share a scheduler and a lock', async () => {
    await expect(registry([PurgeThings, AnotherPurgeThings], [PurgeThings, AnotherPurgeThings])).rejects.toThrow(
      'Recurring jobs PurgeThings and AnotherPurgeThings share the name "purge-things"',
    );
  });
});
