import {
  DocumentRecord,
  OnecSaleDocumentsContribution,
  OnecSaleOrdersContribution,
  PendingSaleOrder,
  SaleDocument,
  SaleDocumentsBatch,
  SaleOrderRef,
} from '@app/onec';

/** Strictly increasing times, shared by several doubles so that "put later" always means "waits less". */
export function monotonicClock(start = Date.UTC(2026, 0, 1)): () => Date {
  let last = start;
  return () => {
    last = Math.max(Date.now(), last + 1);
    return new Date(last);
  };
}

/**
 * In memory, one domain's orders waiting for 1C, keeping the port's promises: an order waits until its current
 * version is marked exported, and a change (`put` again) makes it wait again, as the newest.
 */
export class InMemorySaleOrders extends OnecSaleOrdersContribution {
  private readonly orders = new Map<
    string,
    { document: SaleDocument; version: number; waitingSince: Date; exportedVersion?: number }
  >();

  constructor(
    readonly documentTypes: readonly string[],
    private readonly clock: () => Date = monotonicClock(),
  ) {
    super();
  }

  /** A new order, or a change to one: it waits for 1C from now on, with a new version. */
  put(document: SaleDocument): void {
    const current = this.orders.get(document.id);
    this.orders.set(document.id, {
      document,
      version: (current?.version ?? 0) + 1,
      waitingSince: this.clock(),
      exportedVersion: current?.exportedVersion,
    });
  }

  /** The version 1C was last confirmed to hold. */
  exportedVersion(id: string): number | undefined {
    return this.orders.get(id)?.exportedVersion;
  }

  pending(limit: number): Promise<PendingSaleOrder[]> {
    return Promise.resolve(
      [...this.orders.entries()]
        .filter(([, order]) => order.exportedVersion !== order.version)
        .sort(([, a], [, b]) => a.waitingSince.getTime() - b.waitingSince.getTime())
        .slice(0, limit)
        .map(([id, order]) => ({
          ref: { id, version: String(order.version) },
          document: order.document,
          waitingSince: order.waitingSince,
        })),
    );
  }

  markExported(refs: readonly SaleOrderRef[]): Promise<void> {
    for (const ref of refs) {
      const order = this.orders.get(ref.id);
      if (order && String(order.version) === ref.version) {
        order.exportedVersion = order.version;
      }
    }
    return Promise.resolve();
  }
}

/** In memory, one domain's view of 1C's documents: the latest state per document id, and every delivery. */
export class InMemorySaleDocuments extends OnecSaleDocumentsContribution {
  readonly applied = new Map<string, DocumentRecord>();
  readonly deliveries: SaleDocumentsBatch[] = [];

  constructor(readonly documentTypes: readonly string[]) {
    super();
  }

  accept(batch: SaleDocumentsBatch): Promise<void> {
    this.deliveries.push(batch);
    for (const document of batch.documents) {
      this.applied.set(document.id, document);
    }
    return Promise.resolve();
  }
}
