import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { NotRateLimited } from '../rate-limit/rate-limit.decorators';
import { ReadinessService } from './readiness.service';

/** Kubernetes probes. Liveness never touches dependencies, so a database outage cannot cause a restart storm. */
@ApiExcludeController()
@NotRateLimited()
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get('live')
  @Public()
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const { ready, result } = await this.readiness.check();
    await reply
      .code(ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .send(result);
  }
}
