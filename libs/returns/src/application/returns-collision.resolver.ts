import { type Collision, CollisionResolver, CollisionResolvers } from '@app/audit';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ReturnsService } from './returns.service';

/** Settles the returns' collisions for the back office (see ReturnsService.applyResolution). */
@Injectable()
export class ReturnsCollisionResolver extends CollisionResolver implements OnModuleInit {
  readonly domain = 'returns';

  constructor(
    private readonly returns: ReturnsService,
    private readonly resolvers: CollisionResolvers,
  ) {
    super();
  }

  onModuleInit(): void {
    this.resolvers.register(this);
  }

  apply(collision: Collision, resolution: NonNullable<Collision['resolution']>): Promise<void> {
    return this.returns.applyResolution(collision, resolution);
  }
}
