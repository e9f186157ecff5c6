import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ReadinessService, REDIS_DEPENDENCY, RedisDependency } from './readiness.service';

@Module({})
export class HealthModule {
  static forRoot(redisDependency: RedisDependency): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      providers: [ReadinessService, { provide: REDIS_DEPENDENCY, useValue: redisDependency }],
      exports: [ReadinessService],
    };
  }
}
