import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { MAINTENANCE_QUEUE, MaintenanceJobName } from './maintenance.processor';

const SCHEDULES: readonly { name: MaintenanceJobName; everyMs: number }[] = [
  { name: 'heartbeat', everyMs: 30_000 },
  { name: 'purge-idempotency-keys', everyMs: 60 * 60_000 },
  { name: 'purge-integration-log', everyMs: 6 * 60 * 60_000 },
];

/**
 * Registers BullMQ job schedulers. Upserting by id is idempotent, so every replica can do it at boot and the
 * schedule still fires once per period across the fleet.
 */
@Injectable()
export class MaintenanceScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MaintenanceScheduler.name);

  constructor(@InjectQueue(MAINTENANCE_QUEUE) private readonly queue: Queue) {}

  private stopped = false;

  /** Does not block start-up: a worker booting during a Redis outage must come up (unready) and catch up later. */
  onApplicationBootstrap(): void {
    void this.register();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
  }

  private async register(attempt = 1): Promise<void> {
    try {
      for (const { name, everyMs } of SCHEDULES) {
        await this.queue.upsertJobScheduler(
          name,
          { every: everyMs },
          {
            name,
            opts: { removeOnComplete: { count: 100 }, removeOnFail: { age: 7 * 24 * 3600 } },
          },
        );
      }
      this.logger.log(`Maintenance schedules registered: ${SCHEDULES.map((schedule) => schedule.name).join(', ')}`);
    } catch (error) {
      if (this.stopped) {
        return;
      }
      const delayMs = Math.min(30_000, 1_000 * 2 ** Math.min(attempt, 5));
      this.logger.warn(`Could not register maintenance schedules (${String(error)}); retrying in ${delayMs} ms`);
      setTimeout(() => void this.register(attempt + 1), delayMs).unref();
    }
  }
}
