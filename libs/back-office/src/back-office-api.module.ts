import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TraceService } from './application/trace.service';
import { TraceController } from './http/trace.controller';

/** The back office's cross-lib views (the trace timeline), in the API app only. */
@Module({ imports: [DiscoveryModule], providers: [TraceService], controllers: [TraceController] })
export class BackOfficeApiModule {}
