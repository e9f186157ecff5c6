import { AppConfig } from '@app/core';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { EVENT_CONSUMER, EventConsumerOptions, EventHandler } from './event-consumer.decorator';

export interface RegisteredConsumer {
  readonly name: string;
  readonly destination: string;
  readonly handler: EventHandler;
  readonly transactional: boolean;
  readonly coalesce: boolean;
  readonly maxAttempts: number;
  readonly concurrency: number;
}

/** The consumers this worker process hosts, discovered from @EventConsumer providers. */
@Injectable()
export class ConsumerRegistry implements OnModuleInit {
  private readonly byDestination = new Map<string, RegisteredConsumer>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      const metatype = wrapper.metatype;
      if (!instance || !metatype) {
        continue;
      }
      const options = Reflect.getMetadata(EVENT_CONSUMER, metatype) as EventConsumerOptions | undefined;
      if (!options || (options.enabled && !options.enabled(this.config))) {
        continue;
      }
      if (this.byDestination.has(options.destination)) {
        throw new Error(`Two consumers for destination "${options.destination}"`);
      }
      const transactional = options.transactional ?? true;
      if (options.coalesce && transactional) {
        throw new Error(`${metatype.name}: coalescing needs transactional: false`);
      }
      this.byDestination.set(options.destination, {
        name: metatype.name,
        destination: options.destination,
        handler: instance as EventHandler,
        transactional,
        coalesce: options.coalesce ?? false,
        maxAttempts: options.maxAttempts ?? this.config.events.maxAttempts,
        concurrency: options.concurrency ?? this.config.worker.concurrency,
      });
    }
  }

  get destinations(): string[] {
    return [...this.byDestination.keys()];
  }

  get all(): RegisteredConsumer[] {
    return [...this.byDestination.values()];
  }

  of(destination: string): RegisteredConsumer | undefined {
    return this.byDestination.get(destination);
  }
}
