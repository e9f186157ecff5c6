import { Module } from '@nestjs/common';

/** The API side of the 1C connector (CommerceML exchange endpoint, exchange-session admin). */
@Module({})
export class OnecHttpModule {}

/** The worker side of the 1C connector (HTTP-service client, consumers, import processing). */
@Module({})
export class OnecWorkerModule {}
