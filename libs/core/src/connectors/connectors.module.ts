import { Global, Module } from '@nestjs/common';
import { ConnectorStatusRegistry } from './connector-status';

@Global()
@Module({ providers: [ConnectorStatusRegistry], exports: [ConnectorStatusRegistry] })
export class ConnectorsModule {}
