import type { CommerceMlRecord } from './commerceml.records';

/**
 * Where parsed CommerceML records go (e.g. a staging-table writer). An abstract class so that it can serve as its
 * own Nest DI token. Pass it to the parser as `{ onBatch: (records) => sink.onBatch(records) }`.
 */
export abstract class CommerceMlSink {
  /**
   * Receives records in document order, at most `batchSize` at a time. The parser waits for the returned promise
   * before reading further input, so a slow sink slows the parser down instead of filling memory. Throwing aborts
   * the parse with that error.
   */
  abstract onBatch(records: CommerceMlRecord[]): Promise<void>;
}
