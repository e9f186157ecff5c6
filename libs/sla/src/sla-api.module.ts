import { Module } from '@nestjs/common';
import { SlaAdminController } from './http/sla-admin.controller';
import { SlaModule } from './sla.module';

/** The deviations' admin API, the SLA report and "check now", in the API app only. */
@Module({ imports: [SlaModule], controllers: [SlaAdminController] })
export class SlaApiModule {}
