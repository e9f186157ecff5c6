import { Bitrix24InboundHandler, type InboundChange } from '@app/bitrix24';
import { Injectable, Optional } from '@nestjs/common';
import { PropagationService } from '../application/propagation.service';
import type { Bitrix24CopyKind } from '../domain/bitrix24-projection';

const OWNED: readonly Bitrix24CopyKind[] = ['product', 'company', 'contact'];

/**
 * Changes made in Bitrix24 to the copies of mirrored products and counterparties: 1C is the source of truth, so an
 * edit of a field the mapping maps is overwritten with the mirror's value (PropagationService.correct). Provided in
 * both apps, because the API reports who handles each kind; only the worker applies changes, so only there is the
 * propagation present.
 */
@Injectable()
export class MasterDataInboundHandler extends Bitrix24InboundHandler {
  readonly kinds = OWNED;

  constructor(@Optional() private readonly propagation?: PropagationService) {
    super();
  }

  async apply(change: InboundChange): Promise<void> {
    if (!this.propagation) {
      throw new Error('Bitrix24 changes are applied by the worker, which provides the propagation');
    }
    await this.propagation.correct({
      kind: change.kind as Bitrix24CopyKind,
      ...(change.externalId === undefined ? {} : { externalId: change.externalId }),
      bitrixId: change.bitrixId,
      deleted: change.deleted,
      fields: change.fields,
      source: change.source,
    });
  }
}
