import { bitrix24UpsertEvent } from '@app/bitrix24';
import { EventPublisher } from '@app/events';
import { MasterDataReferences } from '@app/master-data';
import { Injectable } from '@nestjs/common';
import { DeliveryBoard } from '../application/ports/delivery-board.port';
import type { Delivery } from '../domain/delivery';
import { boardFieldsOf, type BoardRow, boardRowsOf, DELIVERY_BOARD_KIND } from '../domain/delivery-board';

/**
 * The board is a smart-process item per delivery, written by the connector from an upsert request in our outbox: our
 * id as its external id (never doubled), our status as its stage (our stage wins over whatever the portal shows,
 * except after a move made on the board itself), the shipment's lines as its product rows.
 */
@Injectable()
export class Bitrix24DeliveryBoard extends DeliveryBoard {
  constructor(
    private readonly publisher: EventPublisher,
    private readonly masterData: MasterDataReferences,
  ) {
    super();
  }

  async show(
    delivery: Delivery,
    options: { readonly content?: boolean; readonly stage?: boolean } = {},
  ): Promise<void> {
    let courier: string | null | undefined;
    let rows: BoardRow[] | undefined;
    if (options.content) {
      courier = delivery.courierId === null ? null : await this.masterData.portalUserOf(delivery.courierId);
      const labels = await this.masterData.productLabels(
        delivery.items.flatMap((item) =>
          item.characteristicId === null
            ? [item.productId]
            : [`${item.productId}#${item.characteristicId}`, item.productId],
        ),
      );
      rows = boardRowsOf(delivery, labels);
    }
    await this.publisher.publish(
      bitrix24UpsertEvent({
        kind: DELIVERY_BOARD_KIND,
        externalId: delivery.id,
        fields: boardFieldsOf(delivery, courier),
        ...(options.stage === false ? {} : { status: delivery.status }),
        ...(rows ? { productRows: rows } : {}),
      }),
    );
  }
}
