import { Bitrix24InboundHandler, inboundText, type InboundChange } from '@app/bitrix24';
import { Injectable, Logger } from '@nestjs/common';
import { DeliveriesService } from '../application/deliveries.service';
import { DELIVERY_BOARD_KIND } from '../domain/delivery-board';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../domain/delivery-status';

/**
 * A courier's changes to its delivery items in Bitrix24 (stage moves, the cash and reason fields), handed to the
 * deliveries' rules as the courier's door. The connector calls it only for states newer than ours and never for our
 * own writes coming back.
 */
@Injectable()
export class DeliveriesInboundHandler extends Bitrix24InboundHandler {
  readonly kinds = [DELIVERY_BOARD_KIND];
  private readonly logger = new Logger(DeliveriesInboundHandler.name);

  constructor(private readonly deliveries: DeliveriesService) {
    super();
  }

  async apply(change: InboundChange): Promise<void> {
    if (change.externalId === undefined) {
      // An item made in the portal, not by us: no delivery of ours to change.
      this.logger.warn({ bitrixId: change.bitrixId }, 'A delivery item created in Bitrix24 is ignored');
      return;
    }
    const status = (DELIVERY_STATUSES as readonly string[]).includes(change.status ?? '')
      ? (change.status as DeliveryStatus)
      : undefined;
    const outcome = await this.deliveries.applyPortalChange(change.externalId, {
      bitrixId: change.bitrixId,
      deleted: change.deleted,
      status,
      cashCollected: inboundText(change.fields.cashCollected),
      failureReason: inboundText(change.fields.failureReason),
      comment: inboundText(change.fields.courierComment),
      occurredAt: change.remoteUpdatedAt,
    });
    if (outcome === 'unknown') {
      this.logger.warn({ externalId: change.externalId }, 'A Bitrix24 item names a delivery we do not hold');
    }
  }
}
