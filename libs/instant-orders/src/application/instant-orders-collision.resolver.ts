import { type Collision, CollisionResolver, CollisionResolvers } from '@app/audit';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InstantOrdersService } from './instant-orders.service';

/** Settles the instant orders' disputes with 1C for the back office (see InstantOrdersService.applyResolution). */
@Injectable()
export class InstantOrdersCollisionResolver extends CollisionResolver implements OnModuleInit {
  readonly domain = 'instant-orders';

  constructor(
    private readonly orders: InstantOrdersService,
    private readonly resolvers: CollisionResolvers,
  ) {
    super();
  }

  onModuleInit(): void {
    this.resolvers.register(this);
  }

  apply(collision: Collision, resolution: NonNullable<Collision['resolution']>): Promise<void> {
    return this.orders.applyResolution(collision, resolution);
  }
}
