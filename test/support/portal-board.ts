import { boardStageSeed, waitFor } from '@app/testing';

export { boardStages } from '@app/testing';
import type { MasterDataHarness } from '../master-data/master-data-harness';

/** Puts the stages in the portal; `success` and `failure` are the statuses Bitrix24 marks final. */
export function seedBoardStages(
  harness: MasterDataHarness,
  board: { entityTypeId: number; categoryId: number; stages: Record<string, string> },
  semantics: { success: readonly string[]; failure: readonly string[] },
): void {
  harness.fake.seed(boardStageSeed(board, semantics));
}

/**
 * Waits until the portal's events, the inbox and the outbox have nothing left to do. A write the outbox delivers
 * makes the portal post an event of its own, which may still be on its way when the outbox reads as done: so the
 * wait is over only when no event was posted while it waited.
 */
export async function settled(harness: MasterDataHarness): Promise<void> {
  let posted: number;
  do {
    posted = harness.fake.deliveries.length;
    await harness.fake.settleDeliveries();
    await waitFor(
      async () => {
        const [open] = await harness.query<{ n: number }>(
          `SELECT (SELECT count(*) FROM outbox_events WHERE status <> 'delivered')
                + (SELECT count(*) FROM inbox_events WHERE status NOT IN ('processed', 'failed')) AS n`,
        );
        return Number(open.n) === 0;
      },
      { what: 'events processed' },
    );
  } while (harness.fake.deliveries.length !== posted);
}

/** The product the courier picks in the portal's catalog for a 1C product master data put there. */
export async function portalProductOf(harness: MasterDataHarness, onecId: string): Promise<number> {
  const product = await waitFor(
    () => Promise.resolve(harness.fake.products().find((candidate) => candidate.xmlId === onecId)),
    { what: `${onecId} in the portal catalog` },
  );
  return Number(product.id);
}
