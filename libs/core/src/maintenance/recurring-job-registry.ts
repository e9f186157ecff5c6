import { Inject, Injectable, OnModuleInit, Type } from '@nestjs/common';
import { DiscoveryService, ModuleRef } from '@nestjs/core';
import { RecurringJob } from './recurring-job';

/** The BullMQ queue every recurring job runs on. */
export const MAINTENANCE_QUEUE = 'maintenance';

/** The job classes the app lists (`apps/worker/src/recurring-jobs.ts`). */
export const LISTED_RECURRING_JOBS = Symbol('LISTED_RECURRING_JOBS');

/**
 * The recurring jobs of this worker: the listed classes, resolved from the modules that provide them (a job needs
 * its own lib's services). A listed job no module provides, a provided job nobody listed, or two jobs with one name
 * stop the worker at start: each would otherwise silently never run.
 */
@Injectable()
export class RecurringJobRegistry implements OnModuleInit {
  private readonly byName = new Map<string, RecurringJob>();

  constructor(
    @Inject(LISTED_RECURRING_JOBS) private readonly listed: readonly Type<RecurringJob>[],
    private readonly moduleRef: ModuleRef,
    private readonly discovery: DiscoveryService,
  ) {}

  onModuleInit(): void {
    for (const type of this.listed) {
      let job: RecurringJob;
      try {
        job = this.moduleRef.get(type, { strict: false });
      } catch {
        throw new Error(`Recurring job ${type.name} is listed but no module of the worker provides it`);
      }
      const taken = this.byName.get(job.name);
      if (taken) {
        throw new Error(`Recurring jobs ${taken.constructor.name} and ${type.name} share the name "${job.name}"`);
      }
      this.byName.set(job.name, job);
    }
    const unlisted = this.discovery
      .getProviders()
      .filter((wrapper) => wrapper.instance instanceof RecurringJob && !this.listed.includes(wrapper.metatype as never))
      .map((wrapper) => String(wrapper.name));
    if (unlisted.length > 0) {
      throw new Error(
        `Recurring job(s) provided but not listed in apps/worker/src/recurring-jobs.ts: ${unlisted.join(', ')}`,
      );
    }
  }

  /** The jobs that run: those with a period (a period of 0 is how configuration turns a job off). */
  get enabled(): RecurringJob[] {
    return [...this.byName.values()].filter((job) => job.everyMs > 0);
  }

  of(name: string): RecurringJob | undefined {
    const job = this.byName.get(name);
    return job && job.everyMs > 0 ? job : undefined;
  }
}
