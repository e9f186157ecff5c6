import type { EventHub } from './events/event-hub';
import type { Clock } from './types';

/** What every store needs from the portal around it. */
export interface PortalEnv {
  clock: Clock;
  offsetMinutes: number;
  hub: EventHub;
  /** Unknown smart processes and categories spring into existence on first use. */
  autoCreate: boolean;
}
