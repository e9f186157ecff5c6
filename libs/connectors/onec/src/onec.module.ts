// Connector authors: read CONTRIBUTING.md at the repo root first (platform APIs, shared files, migrations, openapi,
// commit rules: commit only your own paths with `git commit -- <paths>`, never `git add -A`).
import { Module } from '@nestjs/common';

/** The API side of the 1C connector (CommerceML exchange endpoint, exchange-session admin). */
@Module({})
export class OnecHttpModule {}

/** The worker side of the 1C connector (HTTP-service client, consumers, import processing). */
@Module({})
export class OnecWorkerModule {}
