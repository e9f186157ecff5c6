/** The outbox destination of the notifier: one event asks the worker to flush one channel target. */
export const NOTIFICATIONS_DESTINATION = 'notifications';

export const NOTIFICATIONS_FLUSH_REQUESTED = 'mastermobile.notifier.flush_requested.v1';

/** The flush event's data; the target is also the event's subject. */
export interface FlushRequested {
  readonly channel: string;
}
