// Connector authors: read CONTRIBUTING.md at the repo root first (platform APIs, shared files, migrations, openapi,
// commit rules: commit only your own paths with `git commit -- <paths>`, never `git add -A`).
import { Module } from '@nestjs/common';

/** The API side of the Bitrix24 connector (webhook receiver, install handler). */
@Module({})
export class Bitrix24HttpModule {}

/** The worker side of the Bitrix24 connector (REST client, consumers, offline-queue drain, reconcile). */
@Module({})
export class Bitrix24WorkerModule {}
