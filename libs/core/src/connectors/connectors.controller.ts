import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../http/api-problem.decorator';
import { ConnectorStatusRegistry } from './connector-status';

export class PortContributionDto {
  @ApiProperty({ example: 'InstantOrdersSaleDocuments' }) adapter!: string;
  @ApiProperty({ type: [String], example: ['Заказ товара'] }) keys!: readonly string[];
}

export class PortBindingDto {
  @ApiProperty({ example: 'CatalogImportSink' }) port!: string;
  @ApiProperty({ example: 'LoggingCatalogImportSink', description: 'Class name of what serves the port' })
  adapter!: string;
  @ApiProperty({ description: 'A fallback serves the port: what arrives is accepted, not handled' }) default!: boolean;
  @ApiProperty({ description: 'The connector takes traffic on this port' }) inUse!: boolean;
  @ApiPropertyOptional({ type: [PortContributionDto], description: 'Fan-in ports: every registered contribution' })
  contributions?: readonly PortContributionDto[];
}

export class ConnectorStatusDto {
  @ApiProperty({ example: 'bitrix24' }) name!: string;
  @ApiProperty() configured!: boolean;
  @ApiProperty({ enum: ['ok', 'degraded', 'circuit_open', 'unconfigured'] }) state!: string;
  @ApiPropertyOptional() message?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) details?: Record<string, unknown>;
  @ApiPropertyOptional({ type: [PortBindingDto], description: 'Which adapter serves each port of the connector' })
  ports?: readonly PortBindingDto[];
}

export class ConnectorsStatusDto {
  @ApiProperty({ type: [ConnectorStatusDto] }) connectors!: ConnectorStatusDto[];
}

@ApiTags('admin')
@Controller('api/v1/admin/connectors')
export class ConnectorsController {
  constructor(private readonly registry: ConnectorStatusRegistry) {}

  @Get()
  @Roles('admin')
  @ApiOperation({
    summary: 'State of the 1C and Bitrix24 connectors: configuration, circuit breakers, quota, port bindings',
  })
  @ApiOkResponse({ type: ConnectorsStatusDto })
  @ApiProblemResponses(401, 403)
  async list(): Promise<ConnectorsStatusDto> {
    return { connectors: await this.registry.all() };
  }
}
