import { Clock } from '@app/core';

/** A clock a test moves forward by hand, so time rules are exercised without sleeping. */
export class TestClock extends Clock {
  private at: number;

  constructor(start: Date = new Date()) {
    super();
    this.at = start.getTime();
  }

  now(): Date {
    return new Date(this.at);
  }

  advance(ms: number): Date {
    this.at += ms;
    return this.now();
  }
}
