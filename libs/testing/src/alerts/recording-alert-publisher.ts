import { type Alert, AlertPublisher } from '@app/notifier';

/** The alerts an app published, kept in order instead of sent (one recorder may serve the API and the worker). */
export class RecordingAlertPublisher extends AlertPublisher {
  readonly alerts: Alert[] = [];

  publish(alerts: readonly Alert[]): Promise<void> {
    this.alerts.push(...alerts);
    return Promise.resolve();
  }

  clear(): void {
    this.alerts.length = 0;
  }
}
