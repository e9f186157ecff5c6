import { adapterName } from '@app/core';
import { Logger } from '@nestjs/common';
import { append, DocumentTypeOwners, documentTypeKey } from './document-type-owners';
import {
  OnecSaleOrdersContribution,
  PendingSaleOrder,
  SaleExportContext,
  SaleOrderRef,
} from './sale-orders-contribution.port';

/**
 * What `sale/query` serves: every registered {@link OnecSaleOrdersContribution} as one source. The exchange keeps
 * the refs it sent until `sale/success` (in the session row, so any replica can take the success), and they must
 * find their way back to the contribution that gave them: the ref's version carries the document type, whose
 * owner is that contribution.
 */
export class SaleOrdersSource {
  private readonly logger = new Logger('OnecSaleOrders');

  constructor(private readonly owners: DocumentTypeOwners<OnecSaleOrdersContribution>) {}

  /** The `limit` oldest orders of all contributions; each returns at most `limit`, so none is passed over. */
  async pending(limit: number): Promise<PendingSaleOrder[]> {
    const merged: PendingSaleOrder[] = [];
    for (const contribution of this.owners.contributions) {
      for (const order of await contribution.pending(limit)) {
        if (this.owners.ownerOf(order.document.operation) !== contribution) {
          throw new Error(
            `${adapterName(contribution)} returned order ${order.ref.id} with ХозОперация "${order.document.operation}", ` +
              `which is not one of its document types (${contribution.documentTypes.join(', ')})`,
          );
        }
        merged.push({ ...order, ref: { id: order.ref.id, version: wrapVersion(order) } });
      }
    }
    // A stable sort: equal times keep the contributions' order and each one's own order.
    merged.sort((a, b) => a.waitingSince.getTime() - b.waitingSince.getTime());
    return merged.slice(0, limit);
  }

  async markExported(refs: readonly SaleOrderRef[], context: SaleExportContext): Promise<void> {
    const byOwner = new Map<OnecSaleOrdersContribution, SaleOrderRef[]>();
    for (const ref of refs) {
      const unwrapped = unwrapVersion(ref.version);
      const owner = unwrapped && this.owners.ownerOf(unwrapped.documentType);
      if (!unwrapped || !owner) {
        // Only after a deploy that dropped a contribution: the order stays pending and goes out again.
        this.logger.warn(
          { exchangeSessionId: context.exchangeSessionId, orderId: ref.id },
          '1C confirmed an order whose document type no contribution owns now; it stays pending at its source',
        );
        continue;
      }
      append(byOwner, owner, { id: ref.id, version: unwrapped.version });
    }
    for (const [owner, owned] of byOwner) {
      await owner.markExported(owned, context);
    }
  }
}

function wrapVersion(order: PendingSaleOrder): string {
  return JSON.stringify([documentTypeKey(order.document.operation), order.ref.version]);
}

function unwrapVersion(version: string): { documentType: string; version: string } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(version) as unknown;
  } catch {
    return undefined;
  }
  if (Array.isArray(parsed) && parsed.length === 2) {
    const [documentType, inner] = parsed as unknown[];
    if (typeof documentType === 'string' && typeof inner === 'string') {
      return { documentType, version: inner };
    }
  }
  return undefined;
}
