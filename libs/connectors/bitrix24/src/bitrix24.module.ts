import { Module } from '@nestjs/common';

/** The API side of the Bitrix24 connector (webhook receiver, install handler). */
@Module({})
export class Bitrix24HttpModule {}

/** The worker side of the Bitrix24 connector (REST client, consumers, offline-queue drain, reconcile). */
@Module({})
export class Bitrix24WorkerModule {}
