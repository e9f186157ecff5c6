import { Global, Module } from '@nestjs/common';
import { ConnectorStatusRegistry } from './connector-status';
import { PortBindings } from './port-bindings';

@Global()
@Module({ providers: [ConnectorStatusRegistry, PortBindings], exports: [ConnectorStatusRegistry, PortBindings] })
export class ConnectorsModule {}
