import type { DocumentRecord } from '../commerceml/commerceml.records';
import { append, DocumentTypeOwners } from './document-type-owners';
import { OnecSaleDocumentsContribution, SaleDocumentsBatch } from './sale-documents-contribution.port';

/** Told about the documents of a batch that no contribution owns, in the batch's transaction. */
export type UnroutedDocumentsHandler = (batch: SaleDocumentsBatch) => Promise<void>;

/**
 * Where 1C's documents go: each to the {@link OnecSaleDocumentsContribution} owning its `ХозОперация`, in file
 * order per contribution. The documents nobody owns go to `unrouted`, which reports them; they do not fail the
 * batch, because no retry can apply them until a module owning their type is deployed, and failing would hold
 * back every other document of the file (docs/integrations/1c.md explains what 1C is told).
 */
export class SaleDocumentsSink {
  constructor(
    private readonly owners: DocumentTypeOwners<OnecSaleDocumentsContribution>,
    private readonly unrouted: UnroutedDocumentsHandler,
  ) {}

  async accept(batch: SaleDocumentsBatch): Promise<void> {
    const byOwner = new Map<OnecSaleDocumentsContribution, DocumentRecord[]>();
    const nobodys: DocumentRecord[] = [];
    for (const document of batch.documents) {
      const owner = this.owners.ownerOf(document.operation);
      if (owner) {
        append(byOwner, owner, document);
      } else {
        nobodys.push(document);
      }
    }
    const file = { exchangeSessionId: batch.exchangeSessionId, fileName: batch.fileName };
    for (const [owner, documents] of byOwner) {
      await owner.accept({ ...file, documents });
    }
    if (nobodys.length > 0) {
      await this.unrouted({ ...file, documents: nobodys });
    }
  }
}
