import { Module } from '@nestjs/common';
import { DeliveriesModule } from './deliveries.module';
import { DeliveriesConfirmationResendJob } from './jobs/confirmation-resend.job';

/** The deliveries in the worker: their rules (and Bitrix24 handler) and the chase of 1C's acknowledgements. */
@Module({
  imports: [DeliveriesModule],
  providers: [DeliveriesConfirmationResendJob],
})
export class DeliveriesWorkerModule {}
