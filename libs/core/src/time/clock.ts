import { DynamicModule, Global, Module } from '@nestjs/common';

/**
 * The time rules that depend on "now" read (SLA monitors, deadlines). Injected rather than `new Date()` so a test
 * moves time forward instead of sleeping, and so every rule evaluated in one pass agrees on the same instant.
 */
export abstract class Clock {
  abstract now(): Date;
}

class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/** Provides {@link Clock} everywhere: the system's, unless an app is started with its own (tests). */
@Global()
@Module({})
export class ClockModule {
  static forRoot(clock: Clock = new SystemClock()): DynamicModule {
    return { module: ClockModule, providers: [{ provide: Clock, useValue: clock }], exports: [Clock] };
  }
}
