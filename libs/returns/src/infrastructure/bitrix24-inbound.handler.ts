import { Bitrix24InboundHandler, inboundText, type InboundChange, portalEntityId } from '@app/bitrix24';
import type { FieldError, Principal } from '@app/core';
import { MasterDataReferences } from '@app/master-data';
import { Injectable, Logger } from '@nestjs/common';
import { type PortalReturnLine, ReturnsService } from '../application/returns.service';
import { type OriginalSaleRef, RETURN_REASONS, type ReturnReason } from '../domain/return';
import { RETURN_KIND } from './bitrix24-bindings.module';

/** `delivery:<uuid>` or `instant_order:<uuid>`: how the courier's item names the sale it undoes. */
const SALE_REFERENCE = /^(delivery|instant_order):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/**
 * The courier's door in Bitrix24 for returns: an item it creates in the returns' smart process (the sale it undoes,
 * a reason, the goods as product rows) becomes a return, or moves to the rejected stage with the reasons; its later
 * move to `picked_up` is the courier's pick-up, and any other move is set back and kept as a collision.
 */
@Injectable()
export class ReturnsInboundHandler extends Bitrix24InboundHandler {
  readonly kinds = [RETURN_KIND];
  private readonly logger = new Logger(ReturnsInboundHandler.name);

  constructor(
    private readonly returns: ReturnsService,
    private readonly masterData: MasterDataReferences,
  ) {
    super();
  }

  async apply(change: InboundChange): Promise<void> {
    const id = change.externalId ?? portalEntityId(RETURN_KIND, change.bitrixId);
    const portalUser = inboundText(change.fields.responsible);
    const courierId = portalUser === undefined ? undefined : await this.masterData.courierOfPortalUser(portalUser);
    const courier: Principal = {
      subject: `bitrix24:user:${portalUser ?? 'unknown'}`,
      roles: ['courier'],
      courierId: courierId ?? '',
    };
    const known = await this.returns.find(id);
    if (known) {
      await this.returns.portalMove(id, change.status, { ...courier, courierId: known.courierId });
      return;
    }
    if (change.deleted) {
      this.logger.warn({ bitrixId: change.bitrixId }, 'A return item deleted before it became a return');
      return;
    }
    const errors: FieldError[] = [];
    if (courierId === undefined) {
      errors.push({
        path: 'courierId',
        message: `UNKNOWN_REFERENCE: portal user ${portalUser ?? '(none)'} is no courier`,
      });
    }
    const saleText = inboundText(change.fields.sale) ?? '';
    const sale = SALE_REFERENCE.exec(saleText);
    if (!sale) {
      errors.push({
        path: 'sale',
        message: `REQUIRED: "${saleText}" names no sale (delivery:<id> or instant_order:<id>)`,
      });
    }
    const reason = inboundText(change.fields.reason) ?? 'other';
    if (!(RETURN_REASONS as readonly string[]).includes(reason)) {
      errors.push({
        path: 'reason',
        message: `UNKNOWN_REFERENCE: ${reason} is not one of ${RETURN_REASONS.join(', ')}`,
      });
    }
    const items: PortalReturnLine[] = (change.productRows ?? []).flatMap((row, index) => {
      if (row.productExternalId === null) {
        errors.push({
          path: `items.${index}.productId`,
          message: `UNKNOWN_LINE: "${row.productName}" is not 1C's product`,
        });
        return [];
      }
      const [productId, characteristicId = null] = row.productExternalId.split('#');
      return [{ productId, characteristicId, quantity: row.quantity, reason: reason as ReturnReason }];
    });
    if ((change.productRows ?? []).length === 0) {
      errors.push({ path: 'items', message: 'REQUIRED: the item has no product rows' });
    }
    await this.returns.requestFromPortal(
      id,
      change.bitrixId,
      errors.length > 0 || !sale
        ? { unreadable: errors }
        : {
            courierId: null,
            sale: { kind: sale[1].toLowerCase() as OriginalSaleRef['kind'], id: sale[2].toLowerCase() },
            items,
            comment: inboundText(change.fields.comment) ?? null,
          },
      courier,
    );
  }
}
