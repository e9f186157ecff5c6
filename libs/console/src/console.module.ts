import { Module } from '@nestjs/common';
import { ConsoleController } from './http/console.controller';
import { ConsoleSignInsController } from './http/console-sign-ins.controller';

/** The back-office console, served by the API app. */
@Module({ controllers: [ConsoleController, ConsoleSignInsController] })
export class ConsoleModule {}
