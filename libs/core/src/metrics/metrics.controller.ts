import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { NotRateLimited } from '../rate-limit/rate-limit.decorators';
import { MetricsService } from './metrics.service';

/** Prometheus scrape endpoint. Outside /api/v1 and unauthenticated, like the probes; keep it off the public ingress. */
@ApiExcludeController()
@NotRateLimited()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Public()
  @Header('cache-control', 'no-store')
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    const { contentType, body } = await this.metrics.render();
    await reply.type(contentType).send(body);
  }
}
