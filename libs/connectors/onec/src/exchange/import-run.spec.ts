import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateCommerceMl } from '../../../../testing/src/fakes/onec/commerceml-generator';
import { CommerceMlError, type CommerceMlRecord } from '../commerceml';
import { ImportRun } from './import-run';

describe('ImportRun', () => {
  let directory: string;
  let path: string;
  let total: number;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'import-run-'));
    const generated = await generateCommerceMl({ directory, products: 3_000, seed: 5 });
    path = generated.importPath;
    total = Object.values(generated.importCounts).reduce((sum, count) => sum + count, 0);
  });
  afterAll(() => rm(directory, { recursive: true, force: true }));

  const recorder = () => {
    const delivered: number[] = [];
    return {
      delivered,
      deliver: (records: CommerceMlRecord[]) => {
        delivered.push(...records.map((record) => record.ordinal));
        return Promise.resolve();
      },
    };
  };

  it('pauses after the batch that reaches the deadline and resumes exactly there', async () => {
    const { delivered, deliver } = recorder();
    const run = new ImportRun(path, 0, deliver);
    const first = await run.step(Date.now() - 1);
    expect(first).toEqual({ state: 'paused' });
    expect(delivered).toHaveLength(1_000);
    expect(run.checkpoint).toBe(1_000);
    expect(run.bytesParsed).toBeGreaterThan(0);

    const second = await run.step(Date.now() - 1);
    expect(second).toEqual({ state: 'paused' });
    expect(delivered).toHaveLength(2_000);

    const last = await run.step(Date.now() + 60_000);
    expect(last.state).toBe('finished');
    expect(delivered).toEqual([...Array(total).keys()]);
  });

  it('reports, batch by batch, how long the parser waited for the previous delivery', async () => {
    const waits: number[] = [];
    const { deliver } = recorder();
    const run = new ImportRun(path, 0, deliver, (seconds) => waits.push(seconds));
    const outcome = await run.step(Date.now() + 60_000);
    expect(outcome.state).toBe('finished');
    expect(waits).toHaveLength(Math.ceil(total / 1_000));
    expect(waits.every((seconds) => seconds >= 0)).toBe(true);
  });

  it('started again from a checkpoint, delivers only what follows it', async () => {
    const { delivered, deliver } = recorder();
    const outcome = await new ImportRun(path, 1_234, deliver).step(Date.now() + 60_000);
    expect(outcome.state === 'finished' && outcome.summary.skippedRecords).toBe(1_234);
    expect(delivered[0]).toBe(1_234);
    expect(delivered).toHaveLength(total - 1_234);
  });

  it('reports a failed delivery and stops there', async () => {
    let calls = 0;
    const run = new ImportRun(path, 0, () => {
      calls += 1;
      return calls === 2 ? Promise.reject(new Error('port down')) : Promise.resolve();
    });
    const outcome = await run.step(Date.now() + 60_000);
    expect(outcome).toEqual({ state: 'failed', error: new Error('port down') });
    expect(run.checkpoint).toBe(1_000);
  });

  it('reports refused XML as a CommerceMlError', async () => {
    const run = new ImportRun(join(__dirname, '../../test-fixtures/not-ok/xxe/external-entity.xml'), 0, () =>
      Promise.resolve(),
    );
    const outcome = await run.step(Date.now() + 60_000);
    expect(outcome.state === 'failed' && outcome.error).toBeInstanceOf(CommerceMlError);
  });

  it('a discarded paused run stops for good', async () => {
    const { delivered, deliver } = recorder();
    const run = new ImportRun(path, 0, deliver);
    await run.step(Date.now() - 1);
    run.discard();
    const outcome = await run.step(Date.now() + 60_000);
    expect(outcome.state).toBe('failed');
    expect(delivered).toHaveLength(1_000);
  });
});
