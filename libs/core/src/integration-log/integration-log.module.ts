import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IntegrationLogEntity } from './integration-log.entity';
import { IntegrationLogService } from './integration-log.service';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([IntegrationLogEntity])],
  providers: [IntegrationLogService],
  exports: [IntegrationLogService],
})
export class IntegrationLogModule {}
