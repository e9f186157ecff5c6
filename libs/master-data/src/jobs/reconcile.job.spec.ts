import { loadConfig } from '@app/core';
import { InMemoryBitrix24Copies } from '../application/bitrix24-doubles.spec-helper';
import type { ReconcileRunsService } from '../application/reconcile-runs.service';
import '../master-data.config';
import { MasterDataReconcileJob } from './reconcile.job';

class NoPortal extends InMemoryBitrix24Copies {
  override isConfigured(): boolean {
    return false;
  }
}

/** Deciding the period starts nothing: the runs are never asked. */
const runs = {} as ReconcileRunsService;

describe('the scheduled master-data reconcile', () => {
  const config = loadConfig({ NODE_ENV: 'test', MASTER_DATA_RECONCILE_INTERVAL_MINUTES: '30' });

  it('runs every configured period when a portal is configured', () => {
    expect(new MasterDataReconcileJob(config, runs, new InMemoryBitrix24Copies()).everyMs).toBe(30 * 60_000);
  });

  it('is off without a portal, where every run could only fail', () => {
    expect(new MasterDataReconcileJob(config, runs, new NoPortal()).everyMs).toBe(0);
  });
});
