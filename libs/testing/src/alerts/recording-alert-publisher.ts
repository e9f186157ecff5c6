import { type Alert, AlertPublisher } from '@app/notifier';
import { type DynamicModule, Global, Module } from '@nestjs/common';

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

/** Provides `AlertPublisher` to the whole app: the recorder given. */
@Global()
@Module({})
export class RecordingAlertsModule {
  static with(recorder: RecordingAlertPublisher): DynamicModule {
    return {
      module: RecordingAlertsModule,
      providers: [{ provide: AlertPublisher, useValue: recorder }],
      exports: [AlertPublisher],
    };
  }
}
