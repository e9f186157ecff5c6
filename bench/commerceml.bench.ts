// CommerceML parse benchmark: `npm run bench:commerceml` (BENCH_PRODUCTS=… to change the size, default 100,000).
// Each measured phase runs in its own child process so that its peak RSS is its own. The exchange phase needs the
// local PostgreSQL and Redis (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/mastermobile_bench,
// created and migrated on first use; REDIS_URL as usual); BENCH_EXCHANGE=0 skips it.
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { SaxesParser } from 'saxes';
import yazl from 'yazl';
import { parseCommerceMl } from '../libs/connectors/onec/src/commerceml';
import { safeUnzip } from '../libs/connectors/onec/src/zip';
import { generateCommerceMl } from '../libs/testing/src/fakes/onec/commerceml-generator';

type PhaseName = 'raw-saxes' | 'parse' | 'end-to-end' | 'exchange';

interface PhaseResult {
  bytes: number;
  ms: number;
  elements: number | null;
  records: number | null;
  maxRssMb: number;
  /** RSS of the started API before the exchange (exchange phase only). */
  idleRssMb?: number;
}

interface Row extends PhaseResult {
  phase: string;
  input: string;
}

const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 100_000);
const RSS_TARGET_MB = 256;
const SECTION_TITLE = '## CommerceML parse (`npm run bench:commerceml`)';

async function runPhase(phase: PhaseName, args: string[]): Promise<Omit<PhaseResult, 'maxRssMb'>> {
  const started = performance.now();
  switch (phase) {
    case 'raw-saxes': {
      // The ceiling: the same decoder and SAX parser, no record building.
      const [file] = args;
      const parser = new SaxesParser<{ xmlns: false }>({ xmlns: false });
      let elements = 0;
      parser.on('opentag', () => {
        elements += 1;
      });
      const decoder = new TextDecoder();
      let bytes = 0;
      for await (const chunk of createReadStream(file)) {
        const buffer = chunk as Buffer;
        bytes += buffer.length;
        parser.write(decoder.decode(buffer, { stream: true }));
      }
      parser.close();
      return { bytes, ms: performance.now() - started, elements, records: null };
    }
    case 'parse': {
      const [file] = args;
      const summary = await parseCommerceMl(createReadStream(file), { onBatch: () => Promise.resolve() });
      return {
        bytes: summary.bytesRead,
        ms: performance.now() - started,
        elements: null,
        records: summary.totalRecords,
      };
    }
    case 'end-to-end': {
      // What an exchange does with the archive 1C uploads: unzip safely, then parse both files into a sink.
      const [zipPath, workDir] = args;
      const unzipped = await safeUnzip(zipPath, workDir);
      let records = 0;
      let bytes = 0;
      for (const file of unzipped.files) {
        const summary = await parseCommerceMl(createReadStream(file.path), {
          onBatch: async (batch) => {
            records += batch.length;
            await Promise.resolve();
          },
        });
        bytes += summary.bytesRead;
      }
      return { bytes, ms: performance.now() - started, elements: null, records };
    }
    case 'exchange':
      return runExchange(args);
  }
}

/**
 * The whole path through the exchange endpoint, as 1C drives it with `zip=yes`: the real API in this process,
 * fake 1C uploading the archive in `file_limit` parts and repeating `mode=import` per file until `success`. The
 * catalog port is the default adapter (counts, stores nothing), so this is the connector's own cost: upload, safe
 * unzip, parse, and one checkpoint transaction per batch of 500 records. Timed from the first request; the API's
 * RSS once started (`idleRssMb`) is reported beside its peak.
 */
async function runExchange([zipPath, workDir, xmlBytes, ...names]: string[]): Promise<Omit<PhaseResult, 'maxRssMb'>> {
  // Loaded here only: the other phases' peak RSS must not include the whole application.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { createApiApplication } = require('../apps/api/src/api') as typeof import('../apps/api/src/api');
  const { loadConfig } =
    require('../libs/core/src/config/app-config') as typeof import('../libs/core/src/config/app-config');
  const { FakeOnecExchange } =
    require('../libs/testing/src/fakes/onec/fake-onec-exchange') as typeof import('../libs/testing/src/fakes/onec/fake-onec-exchange');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const login = 'bench-1c';
  const password = 'bench-password';
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATABASE_URL: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/mastermobile_bench',
    DB_CREATE_IF_MISSING: 'true',
    DB_MIGRATIONS_RUN: 'true',
    ONEC_EXCHANGE_LOGIN: login,
    ONEC_EXCHANGE_PASSWORD: password,
    ONEC_EXCHANGE_WORK_DIR: workDir,
  });
  const app = await createApiApplication(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const idleRssMb = process.memoryUsage().rss / 1024 / 1024;
  const started = performance.now();
  try {
    const client = new FakeOnecExchange({
      baseUrl: (await app.getUrl()).replace('[::1]', '127.0.0.1'),
      login,
      password,
    });
    const auth = await client.checkauth('catalog');
    const { fileLimit } = await client.init('catalog');
    const upload = await client.upload('catalog', { name: 'v8_BENCH_1.zip', path: zipPath }, fileLimit);
    if (auth.lines[0] !== 'success' || upload.reply.lines[0] !== 'success') {
      throw new Error(`exchange refused: ${auth.text} / ${upload.reply.text}`);
    }
    for (const name of names) {
      const { reply } = await client.importUntilDone('catalog', name);
      if (reply.lines[0] !== 'success') {
        throw new Error(`${name}: ${reply.text}`);
      }
    }
    const records = client.transcript
      .filter((call) => call.mode === 'import' && call.status === 'success')
      .reduce((sum, call) => sum + Number(/: (\d+) records imported/.exec(call.text)?.[1] ?? 0), 0);
    return { bytes: Number(xmlBytes), ms: performance.now() - started, elements: null, records, idleRssMb };
  } finally {
    await app.close();
  }
}

function runInChild(phase: PhaseName, args: string[], nodeFlags: string[]): Promise<PhaseResult> {
  return new Promise((resolvePhase, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, ...nodeFlags, __filename, '--phase', phase, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`phase ${phase} exited with ${code}`));
        return;
      }
      resolvePhase(JSON.parse(output) as PhaseResult);
    });
  });
}

async function zip(files: { path: string; name: string }[], target: string): Promise<void> {
  const archive = new yazl.ZipFile();
  for (const file of files) {
    archive.addFile(file.path, file.name);
  }
  archive.end();
  await pipeline(archive.outputStream, createWriteStream(target));
}

function table(rows: Row[]): string {
  const mb = (bytes: number) => bytes / 1024 / 1024;
  const rate = (count: number | null, ms: number) =>
    count === null ? '–' : Math.round(count / (ms / 1000)).toLocaleString('en-US');
  const lines = [
    '| phase | input | input MB | time, s | MB/s | elements/s | records/s | peak RSS, MB |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (row) =>
        `| ${[
          row.phase,
          row.input,
          mb(row.bytes).toFixed(1),
          (row.ms / 1000).toFixed(2),
          (mb(row.bytes) / (row.ms / 1000)).toFixed(1),
          rate(row.elements, row.ms),
          rate(row.records, row.ms),
          row.maxRssMb.toFixed(0),
        ].join(' | ')} |`,
    ),
  ];
  return lines.join('\n');
}

async function updateBenchmarksDoc(section: string): Promise<boolean> {
  // npm runs scripts from the repository root.
  const path = resolve(process.cwd(), 'docs/benchmarks.md');
  if (!existsSync(path)) {
    return false;
  }
  const current = await readFile(path, 'utf8');
  const start = current.indexOf(SECTION_TITLE);
  if (start < 0) {
    await writeFile(path, `${current.trimEnd()}\n\n${section}\n`);
    return true;
  }
  const next = current.indexOf('\n## ', start + SECTION_TITLE.length);
  const rest = next < 0 ? '' : current.slice(next);
  await writeFile(path, `${current.slice(0, start)}${section}\n${rest}`);
  return true;
}

async function main(): Promise<void> {
  const directory = await mkdtemp(join(tmpdir(), 'commerceml-bench-'));
  try {
    const generationStarted = performance.now();
    const utf8 = await generateCommerceMl({ directory, products: PRODUCTS, seed: 1 });
    const cp1251Directory = join(directory, 'windows-1251');
    await mkdir(cp1251Directory);
    const cp1251 = await generateCommerceMl({
      directory: cp1251Directory,
      products: PRODUCTS,
      seed: 1,
      encoding: 'windows-1251',
    });
    const archive = join(directory, 'v8_bench.zip');
    await zip(
      [
        { path: utf8.importPath, name: 'import0_1.xml' },
        { path: utf8.offersPath, name: 'offers0_1.xml' },
      ],
      archive,
    );
    const generationSeconds = (performance.now() - generationStarted) / 1000;
    const archiveMb = (await stat(archive)).size / 1024 / 1024;

    const rows: Row[] = [];
    const measure = async (phase: string, input: string, name: PhaseName, args: string[], nodeFlags: string[] = []) => {
      const result = await runInChild(name, args, nodeFlags);
      rows.push({ phase, input, ...result });
      console.error(
        `${phase} (${input}): ${(result.ms / 1000).toFixed(2)} s, peak RSS ${result.maxRssMb.toFixed(0)} MB`,
      );
    };
    await measure('raw saxes (ceiling)', 'import.xml, UTF-8', 'raw-saxes', [utf8.importPath]);
    await measure('parseCommerceMl', 'import.xml, UTF-8', 'parse', [utf8.importPath]);
    // Most of the parse's RSS is V8's young generation, which V8 sizes from the machine's memory; this row shows the
    // same parse with the young generation capped, as a worker could run it.
    await measure(
      'parseCommerceMl, --max-semi-space-size=16',
      'import.xml, UTF-8',
      'parse',
      [utf8.importPath],
      ['--max-semi-space-size=16'],
    );
    await measure('parseCommerceMl', 'offers.xml, UTF-8', 'parse', [utf8.offersPath]);
    await measure('parseCommerceMl', 'import.xml, windows-1251', 'parse', [cp1251.importPath]);
    await measure(
      'end to end in process: safeUnzip + parse into a counting sink',
      `zip of import + offers (${archiveMb.toFixed(1)} MB)`,
      'end-to-end',
      [archive, join(directory, 'exchange')],
    );
    if (process.env.BENCH_EXCHANGE !== '0') {
      const exchangeArgs = (folder: string) => [
        archive,
        join(directory, folder),
        String(utf8.importBytes + utf8.offersBytes),
        'import0_1.xml',
        'offers0_1.xml',
      ];
      await measure(
        'end to end through the exchange endpoint: fake 1C → API (upload, unzip, import steps, default port)',
        `zip of import + offers (${archiveMb.toFixed(1)} MB), file_limit 1 MiB`,
        'exchange',
        exchangeArgs('endpoint'),
      );
      await measure(
        // Most of the API's peak is garbage V8 has not collected yet (a forced full GC leaves ~60 MB of heap):
        // bounding both generations makes it collect sooner, at no cost in speed.
        'the same, API with --max-semi-space-size=16 --max-old-space-size=256',
        `zip of import + offers (${archiveMb.toFixed(1)} MB), file_limit 1 MiB`,
        'exchange',
        exchangeArgs('endpoint-bounded-heap'),
        ['--max-semi-space-size=16', '--max-old-space-size=256'],
      );
    }

    const ceiling = rows[0];
    const rate = (row: Row) => row.bytes / row.ms;
    const ratios = rows
      .filter((row) => row.input.startsWith('zip') && !row.phase.startsWith('the same'))
      .map((row) => `${row.phase.split(':')[0]} ${(rate(row) / rate(ceiling)).toFixed(2)}× the raw saxes rate`);
    const endpoints = rows.filter((row) => row.idleRssMb !== undefined);
    const parseRss = Math.max(
      ...rows.filter((row) => row.phase.startsWith('parseCommerceMl')).map((row) => row.maxRssMb),
    );
    const cpu = cpus();
    const section = [
      SECTION_TITLE,
      '',
      `${PRODUCTS.toLocaleString('en-US')} synthetic products (\`generateCommerceMl\`, seed 1): ` +
        `${utf8.importCounts.product.toLocaleString('en-US')} goods, ${utf8.offersCounts.offer.toLocaleString('en-US')} offers. ` +
        `Node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}; each phase in its own process, ` +
        `peak RSS from \`process.resourceUsage().maxRSS\`. Generating the inputs took ${generationSeconds.toFixed(0)} s.`,
      '',
      table(rows),
      '',
      `- Parse path peak RSS ${parseRss.toFixed(0)} MB (target ≤ ${RSS_TARGET_MB} MB): ${parseRss <= RSS_TARGET_MB ? 'met' : 'NOT met'}.`,
      `- End to end, by MB/s of XML: ${ratios.join('; ')} (target ≥ 0.5× once master data persists the records; ` +
        `here the catalog port stores nothing, so these rows are the connector's own cost).`,
      ...(endpoints.length > 0
        ? [
            `- The exchange-endpoint rows are the whole API process (and the fake 1C in it), timed from checkauth to the ` +
              `last success: ${endpoints.map((row) => `${row.idleRssMb!.toFixed(0)} MB once started, ${row.maxRssMb.toFixed(0)} MB at the peak`).join('; ')}.`,
          ]
        : []),
      ...(endpoints.length === 2
        ? [
            `- Most of the API's peak is garbage V8 has not collected yet (a forced full GC leaves about 60 MB of heap); ` +
              `bounding the heap as in the last row caps it at ${endpoints[1].maxRssMb.toFixed(0)} MB and took ` +
              `${Math.round((endpoints[1].ms / endpoints[0].ms - 1) * 100)} % more time here (more frequent full GCs).`,
          ]
        : []),
      `- Load average (1 min) of the machine at the end of the run: ${loadavg()[0].toFixed(1)} on ${cpus().length} vCPUs; ` +
        `the dev VM is shared, so repeated runs vary by about ±30 %.`,
    ].join('\n');
    console.log(section);
    const updated = await updateBenchmarksDoc(section);
    console.log(updated ? '\n(docs/benchmarks.md updated)' : '\n(docs/benchmarks.md not found; section printed only)');
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--phase') {
  const [, , , phase, ...args] = process.argv;
  runPhase(phase as PhaseName, args)
    .then((result) => {
      process.stdout.write(JSON.stringify({ ...result, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
