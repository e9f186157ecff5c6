import { type Collision, CollisionResolver, CollisionResolvers } from '@app/audit';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DeliveriesService } from './deliveries.service';

/** Settles the deliveries' collisions for the back office (see DeliveriesService.applyResolution). */
@Injectable()
export class DeliveriesCollisionResolver extends CollisionResolver implements OnModuleInit {
  readonly domain = 'deliveries';

  constructor(
    private readonly deliveries: DeliveriesService,
    private readonly resolvers: CollisionResolvers,
  ) {
    super();
  }

  onModuleInit(): void {
    this.resolvers.register(this);
  }

  apply(collision: Collision, resolution: NonNullable<Collision['resolution']>): Promise<void> {
    return this.deliveries.applyResolution(collision, resolution);
  }
}
