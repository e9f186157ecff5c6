import { Module } from '@nestjs/common';
import { DeviationAlerts } from '../application/ports/deviation-alerts.port';
import { NotifierDeviationAlerts } from './notifier-deviation-alerts.adapter';

/**
 * Deviations reach the operators through the notifier connector's `AlertPublisher`, which the app provides (the
 * notifier's module), so alerts join the outbox of the transaction that opened or resolved the deviation.
 */
@Module({
  providers: [{ provide: DeviationAlerts, useClass: NotifierDeviationAlerts }],
  exports: [DeviationAlerts],
})
export class SlaAlertBindings {}
