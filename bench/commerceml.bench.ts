// CommerceML benchmark: `npm run bench:commerceml`. Knobs: BENCH_PRODUCTS (default 100,000), BENCH_RUNS (runs of each
// phase, default 2: the figures are medians with their spread), BENCH_EXCHANGE=0 skips the exchange phases (they need
// the local PostgreSQL and Redis: a fresh database per run, see support/bench-database.ts), BENCH_RESULTS=file.json
// keeps the measured figures, BENCH_RENDER=file.json writes the section from such a file without measuring again,
// BENCH_CPU_PROF_DIR=dir has the API of each exchange phase write a V8 CPU profile there.
// Each measured phase runs in its own child process, so that its peak RSS is its own; the exchange phases start the
// API as a process of its own, with the command and Node flags the image ships (docker/Dockerfile's CMD).
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import { SaxesParser } from 'saxes';
import yazl from 'yazl';
import { parseCommerceMl } from '../libs/connectors/onec/src/commerceml';
import { safeUnzip } from '../libs/connectors/onec/src/zip';
import type { GeneratedCommerceMl } from '../libs/testing/src/fakes/onec/commerceml-generator';
import { findRepoRoot } from '../libs/testing/src/shared-folder';
import { shippedApiCommand, shippedProcessEnvironment, shippedV8Flags } from './support/shipped-api-command';

type PhaseName = 'raw-saxes' | 'decode' | 'parse' | 'end-to-end' | 'exchange';
type Encoding = 'utf-8' | 'windows-1251';

interface PhaseResult {
  bytes: number;
  ms: number;
  records: number | null;
  /** Peak RSS of the phase's process; of the API process in the exchange phases. */
  maxRssMb: number;
  exchange?: ExchangeFigures;
}

interface ExchangeFigures {
  /** RSS of the started API before the exchange. */
  idleRssMb: number;
  /** CPU time the API process used during the exchange. */
  apiCpuSeconds: number;
  /** Upload of the archive in `file_limit` parts. */
  uploadSeconds: number;
  /** Sum of the batches' delivery transactions (ports + checkpoint), from the API's metrics. */
  deliverySeconds: number;
  /** Time the parser waited, its next batch ready, for the previous delivery (API metrics). */
  parserWaitSeconds: number;
  /** Rows in the master-data mirror after the exchange (table → count); empty when no mirror is deployed. */
  mirrorRows: Record<string, number>;
  /**
   * PostgreSQL alone writing what the exchange wrote (the mirror's rows and the outbox events it raised) into copies of
   * their tables with the same indexes, by one server-side INSERT … SELECT each: no client, parse or network, so no
   * implementation of the exchange can write the same rows faster on this machine.
   */
  databaseFloor: { seconds: number; rows: number };
}

interface Row {
  phase: string;
  input: string;
  encoding: Encoding;
  /** The raw saxes rows this row is compared with: their bytes over their (median) times. */
  ceiling: string[];
  runs: PhaseResult[];
}

const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 100_000);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 2));
const RSS_TARGET_MB = 256;
const RATIO_TARGET = 0.5;
const RESULT_MARK = 'BENCH-RESULT ';
const EXCHANGE_LOGIN = 'bench-1c';
const EXCHANGE_PASSWORD = 'bench-password';
/** What the mirror must hold after a full import of the generated catalog, per master-data table. */
const MIRROR_TABLES = [
  'md_product_groups',
  'md_units',
  'md_properties',
  'md_price_types',
  'md_warehouses',
  'md_products',
  'md_prices',
  'md_stock',
];

/** A phase's figures; the peak RSS is the phase process's own unless the phase measured another process. */
type PhaseOutput = Omit<PhaseResult, 'maxRssMb'> & { maxRssMb?: number };

async function runPhase(phase: PhaseName, args: string[]): Promise<PhaseOutput> {
  const started = performance.now();
  switch (phase) {
    case 'raw-saxes': {
      // The ceiling: the parser's decoder and SAX parser over the same bytes, no record building.
      const [encoding, ...files] = args;
      let elements = 0;
      let bytes = 0;
      for (const file of files) {
        const parser = new SaxesParser<{ xmlns: false }>({ xmlns: false });
        parser.on('opentag', () => {
          elements += 1;
        });
        const decoder = new TextDecoder(encoding);
        for await (const chunk of createReadStream(file)) {
          const buffer = chunk as Buffer;
          bytes += buffer.length;
          parser.write(decoder.decode(buffer, { stream: true }));
        }
        parser.close();
      }
      return { bytes, ms: performance.now() - started, records: elements };
    }
    case 'decode': {
      // The windows-1251 decoders alone, streaming 64 KiB chunks as the parser gets them.
      const [decoderName, file] = args;
      let decode: (chunk: Buffer) => string;
      if (decoderName === 'iconv-lite') {
        const decoder = iconv.getDecoder('win1251');
        decode = (chunk) => decoder.write(chunk);
      } else {
        const decoder = new TextDecoder('windows-1251');
        decode = (chunk) => decoder.decode(chunk, { stream: true });
      }
      let bytes = 0;
      let characters = 0;
      for await (const chunk of createReadStream(file)) {
        const buffer = chunk as Buffer;
        bytes += buffer.length;
        characters += decode(buffer).length;
      }
      return { bytes, ms: performance.now() - started, records: characters };
    }
    case 'parse': {
      let bytes = 0;
      let records = 0;
      for (const file of args) {
        const summary = await parseCommerceMl(createReadStream(file), { onBatch: () => Promise.resolve() });
        bytes += summary.bytesRead;
        records += summary.totalRecords;
      }
      return { bytes, ms: performance.now() - started, records };
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
      await rm(workDir, { recursive: true, force: true });
      return { bytes, ms: performance.now() - started, records };
    }
    case 'exchange':
      return runExchange(args);
  }
}

/**
 * The whole path through the exchange endpoint, as 1C drives it with `zip=yes`: the API started from dist/ with the
 * image's command (Node flags included) on a fresh migrated database; fake 1C (this process) uploads the archive in
 * `file_limit` parts and repeats `mode=import` per file until `success`. Timed from checkauth to the last success;
 * the API's peak RSS is its VmHWM. Whatever binds the catalog port in the app (master data) writes the mirror, and
 * the mirror's rows are counted afterwards.
 */
async function runExchange([zipPath, xmlBytes, ...names]: string[]): Promise<PhaseOutput> {
  // Loaded here only (like pg and prettier below): the other phases' peak RSS must not include the application.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { createBenchDatabase } = require('./support/bench-database') as typeof import('./support/bench-database');
  const { FakeOnecExchange } =
    require('../libs/testing/src/fakes/onec/fake-onec-exchange') as typeof import('../libs/testing/src/fakes/onec/fake-onec-exchange');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const database = await createBenchDatabase('commerceml');
  const workDir = await mkdtemp(join(tmpdir(), 'commerceml-bench-exchange-'));
  const port = await freePort();
  const [, ...shipped] = shippedApiCommand();
  // BENCH_CPU_PROF_DIR: the API writes a V8 CPU profile there when it stops (open it in Chrome's DevTools).
  const profiling = process.env.BENCH_CPU_PROF_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`]
    : [];
  const api = spawn(process.execPath, [...profiling, ...shipped], {
    cwd: findRepoRoot(),
    env: {
      PATH: process.env.PATH ?? '',
      TZ: 'UTC',
      ...shippedProcessEnvironment(),
      ...database.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      ONEC_EXCHANGE_LOGIN: EXCHANGE_LOGIN,
      ONEC_EXCHANGE_PASSWORD: EXCHANGE_PASSWORD,
      ONEC_EXCHANGE_WORK_DIR: workDir,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => api.once('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitUntilLive(baseUrl, api.pid!);
    const idleRssMb = procStatus(api.pid!).rssMb;
    const cpuBefore = procCpuSeconds(api.pid!);
    const started = performance.now();
    const client = new FakeOnecExchange({ baseUrl, login: EXCHANGE_LOGIN, password: EXCHANGE_PASSWORD });
    const auth = await client.checkauth('catalog');
    const { fileLimit } = await client.init('catalog');
    const upload = await client.upload('catalog', { name: 'v8_BENCH_1.zip', path: zipPath }, fileLimit);
    const uploadSeconds = (performance.now() - started) / 1000;
    if (auth.lines[0] !== 'success' || upload.reply.lines[0] !== 'success') {
      throw new Error(`exchange refused: ${auth.text} / ${upload.reply.text}`);
    }
    for (const name of names) {
      const { reply } = await client.importUntilDone('catalog', name);
      if (reply.lines[0] !== 'success') {
        throw new Error(`${name}: ${reply.text}`);
      }
    }
    const ms = performance.now() - started;
    const apiCpuSeconds = procCpuSeconds(api.pid!) - cpuBefore;
    const maxRssMb = procStatus(api.pid!).peakRssMb;
    const records = client.transcript
      .filter((call) => call.mode === 'import' && call.status === 'success')
      .reduce((sum, call) => sum + Number(/: (\d+) records imported/.exec(call.text)?.[1] ?? 0), 0);
    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
    return {
      bytes: Number(xmlBytes),
      ms,
      records,
      maxRssMb,
      exchange: {
        idleRssMb,
        apiCpuSeconds,
        uploadSeconds,
        deliverySeconds: metricSum(metrics, 'onec_exchange_batch_delivery_seconds_sum'),
        parserWaitSeconds: metricSum(metrics, 'onec_exchange_parser_wait_seconds_total'),
        mirrorRows: await countMirrorRows(database.databaseUrl),
        databaseFloor: await databaseFloor(database.databaseUrl),
      },
    };
  } finally {
    api.kill('SIGTERM');
    await exited;
    await database.drop();
    await rm(workDir, { recursive: true, force: true });
  }
}

async function waitUntilLive(baseUrl: string, pid: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (
      await fetch(`${baseUrl}/health/live`).then(
        (response) => response.ok,
        () => false,
      )
    ) {
      return;
    }
    procStatus(pid); // throws once the process is gone
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('The API did not start within 60 s');
}

/** RSS and its high-water mark from /proc (Linux): the API's own, whatever V8 or the allocator think. */
function procStatus(pid: number): { rssMb: number; peakRssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kib('VmRSS') / 1024, peakRssMb: kib('VmHWM') / 1024 };
}

function procCpuSeconds(pid: number): number {
  // Fields 14 and 15 of /proc/<pid>/stat, counted after the parenthesised command name.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function metricSum(exposition: string, name: string): number {
  return exposition
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

async function countMirrorRows(databaseUrl: string): Promise<Record<string, number>> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Client } = require('pg') as typeof import('pg');
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows: present } = await db.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_name = ANY($1)`,
      [MIRROR_TABLES],
    );
    const counts: Record<string, number> = {};
    for (const table of MIRROR_TABLES.filter((name) => present.some((row) => row.name === name))) {
      const { rows } = await db.query<{ count: string }>(`SELECT count(*) AS count FROM ${table}`);
      counts[table] = Number(rows[0].count);
    }
    return counts;
  } finally {
    await db.end();
  }
}

async function databaseFloor(databaseUrl: string): Promise<{ seconds: number; rows: number }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Client } = require('pg') as typeof import('pg');
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows: present } = await db.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_name = ANY($1)`,
      [[...MIRROR_TABLES, 'outbox_events']],
    );
    // Read once before the clock starts, so the copy reads from the cache as the exchange's batches came from memory.
    for (const { name } of present) {
      await db.query(`SELECT count(*) FROM ${name}`);
    }
    const started = performance.now();
    let rows = 0;
    await db.query('BEGIN');
    for (const { name } of present) {
      await db.query(`CREATE TABLE floor_${name} (LIKE ${name} INCLUDING ALL)`);
      rows += (await db.query(`INSERT INTO floor_${name} SELECT * FROM ${name}`)).rowCount ?? 0;
    }
    await db.query('COMMIT');
    return { seconds: (performance.now() - started) / 1000, rows };
  } finally {
    await db.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function runInChild(phase: PhaseName, args: string[], nodeFlags: string[] = []): Promise<PhaseResult> {
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
      const line = output.split('\n').find((candidate) => candidate.startsWith(RESULT_MARK));
      if (code !== 0 || !line) {
        reject(new Error(`phase ${phase} exited with ${code}: ${output.slice(-2000)}`));
        return;
      }
      resolvePhase(JSON.parse(line.slice(RESULT_MARK.length)) as PhaseResult);
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

const MB = 1024 * 1024;
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
const mbPerSecond = (result: PhaseResult) => result.bytes / MB / (result.ms / 1000);
/** MB/s at the row's median time, so that the time and rate columns describe the same figure. */
const rowRate = (row: Row) => row.runs[0].bytes / MB / median(row.runs.map((run) => run.ms / 1000));

/** MB/s of the raw saxes rows a row names as its ceiling (null for the ceilings themselves). */
function ceilingRate(rows: Row[], row: Row): number | null {
  const raw = rows.filter((candidate) => candidate.phase.startsWith('raw saxes') && candidate !== row);
  const ceilings = row.ceiling.map((key) => raw.find((candidate) => candidate.ceiling[0] === key));
  if (ceilings.length === 0 || ceilings.some((ceiling) => ceiling === undefined)) {
    return null;
  }
  const bytes = ceilings.reduce((sum, ceiling) => sum + ceiling!.runs[0].bytes, 0);
  const seconds = ceilings.reduce((sum, ceiling) => sum + median(ceiling!.runs.map((run) => run.ms / 1000)), 0);
  return bytes / MB / seconds;
}

function table(rows: Row[]): string {
  const spread = (values: number[], digits: number) =>
    values.length < 2 ? '' : ` (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;
  const lines = [
    '| phase | input | input MB | time, s | MB/s | × raw saxes | records/s | peak RSS, MB |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map((row) => {
      const times = row.runs.map((run) => run.ms / 1000);
      const rates = row.runs.map(mbPerSecond);
      const ceiling = row.phase.startsWith('raw saxes') ? null : ceilingRate(rows, row);
      const ratio = ceiling === null ? null : rowRate(row) / ceiling;
      const records = row.runs[0].records;
      const rss = row.runs.map((run) => run.maxRssMb);
      return `| ${[
        row.phase,
        row.input,
        (row.runs[0].bytes / MB).toFixed(1),
        `${median(times).toFixed(2)}${spread(times, 2)}`,
        `${rowRate(row).toFixed(1)}${spread(rates, 1)}`,
        ratio === null ? '–' : `${ratio.toFixed(2)}×`,
        records === null || row.phase.startsWith('raw') || row.phase.startsWith('decode')
          ? '–'
          : Math.round(records / median(times)).toLocaleString('en-US'),
        `${Math.max(...rss).toFixed(0)}${spread(rss, 0)}`,
      ].join(' | ')} |`;
    }),
  ];
  return lines.join('\n');
}

function exchangeNotes(rows: Row[]): string[] {
  return rows.flatMap((row) => {
    const figures = row.runs.map((run) => run.exchange).filter((run): run is ExchangeFigures => run !== undefined);
    if (figures.length === 0) {
      return [];
    }
    const ratio = rowRate(row) / ceilingRate(rows, row)!;
    const peak = Math.max(...row.runs.map((run) => run.maxRssMb));
    const range = (pick: (figures: ExchangeFigures) => number, digits = 1) => {
      const values = figures.map(pick);
      const text = median(values).toFixed(digits);
      return values.length < 2
        ? text
        : `${text} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;
    };
    const mirror = figures[figures.length - 1].mirrorRows;
    const mirrorText =
      Object.keys(mirror).length === 0
        ? 'no master-data mirror in this build: the catalog port was the logging stand-in, nothing was stored'
        : `mirror rows after the exchange: ${Object.entries(mirror)
            .map(([table, count]) => `${table} ${count.toLocaleString('en-US')}`)
            .join(', ')}`;
    return [
      `- ${row.phase}, ${row.encoding}: ${ratio.toFixed(2)}× the raw saxes rate (target ≥ ${RATIO_TARGET}×: ` +
        `${ratio >= RATIO_TARGET ? 'met' : 'NOT met'}); API peak RSS ${peak.toFixed(0)} MB (target ≤ ${RSS_TARGET_MB} MB: ` +
        `${peak <= RSS_TARGET_MB ? 'met' : 'NOT met'}), ${range((run) => run.idleRssMb, 0)} MB once started. ` +
        `Of the time, s: upload ${range((run) => run.uploadSeconds)}; batch deliveries (ports + checkpoint, ` +
        `overlapping the parse) ${range((run) => run.deliverySeconds)}; parser waiting for a delivery ` +
        `${range((run) => run.parserWaitSeconds)}; API CPU ${range((run) => run.apiCpuSeconds)}. ${mirrorText}. ` +
        `PostgreSQL alone writing the same ${figures[figures.length - 1].databaseFloor.rows.toLocaleString('en-US')} ` +
        `rows (mirror and outbox, same indexes, one INSERT … SELECT per table): ` +
        `${range((run) => run.databaseFloor.seconds)} s, where the ${RATIO_TARGET}× target allows ` +
        `${(row.runs[0].bytes / MB / (RATIO_TARGET * ceilingRate(rows, row)!)).toFixed(1)} s for the whole exchange.`,
    ];
  });
}

function verifyMirror(rows: Row[], goods: number): void {
  for (const row of rows) {
    for (const figures of row.runs.flatMap((run) => (run.exchange ? [run.exchange] : []))) {
      const products = figures.mirrorRows.md_products;
      if (products !== undefined && products < goods) {
        throw new Error(`${row.phase}: the mirror holds ${products} products, the catalog has ${goods}`);
      }
    }
  }
}

/** What a section needs besides the rows: kept with them in BENCH_RESULTS files. */
interface RunFacts {
  products: number;
  goods: number;
  offers: number;
  generationSeconds: number;
  runs: number;
  node: string;
  cpu: string;
  loadAverage: number;
}

async function render(rows: Row[], facts: RunFacts): Promise<void> {
  verifyMirror(rows, facts.goods);
  const command = shippedApiCommand();
  const flags = shippedV8Flags(command);
  const section = [
    '## CommerceML parse (`npm run bench:commerceml`)',
    '',
    `${facts.products.toLocaleString('en-US')} synthetic products (\`generateCommerceMl\`, seed 1): ` +
      `${facts.goods.toLocaleString('en-US')} goods, ${facts.offers.toLocaleString('en-US')} offers, ` +
      `in UTF-8 and in windows-1251. Node ${facts.node}, ${facts.cpu}; each phase in its own process, ` +
      `${facts.runs} run(s) each: the median (of two runs, their mean), and in brackets the range. ` +
      `Peak RSS: the VmHWM of the phase's process; for the exchange rows, of the API process. ` +
      `"× raw saxes": MB/s of XML against raw saxes over the same files and encoding (for the archives: both ` +
      `raw rows together, their bytes over the sum of their times). Generating the inputs took ` +
      `${facts.generationSeconds.toFixed(0)} s.`,
    '',
    `The exchange rows start the API as the image does: \`${command.join(' ')}\` (docker/Dockerfile's CMD, the ` +
      `same \`args\` as k8s/api-deployment.yaml)${flags.length > 0 ? `, i.e. with ${flags.map((flag) => `\`${flag}\``).join(' ')}` : ''}.`,
    '',
    table(rows),
    '',
    ...exchangeNotes(rows),
    `- Load average (1 min) of the machine at the end of the run: ${facts.loadAverage.toFixed(1)} on 2 vCPUs; ` +
      `the dev VM is shared with other work, so runs vary (see the ranges).`,
  ].join('\n');
  console.log(section);
  const { updateBenchmarksSection } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('./support/benchmarks-doc') as typeof import('./support/benchmarks-doc');
  await updateBenchmarksSection(section);
  console.log('\n(docs/benchmarks.md updated)');
}

async function main(): Promise<void> {
  if (process.env.BENCH_RENDER) {
    const saved = JSON.parse(readFileSync(process.env.BENCH_RENDER, 'utf8')) as { rows: Row[]; facts: RunFacts };
    await render(saved.rows, saved.facts);
    return;
  }
  // Loaded in the parent only: the generator imports the whole 1C connector, which the phases must not carry.
  const { generateCommerceMl } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('../libs/testing/src/fakes/onec/commerceml-generator') as typeof import('../libs/testing/src/fakes/onec/commerceml-generator');
  const directory = await mkdtemp(join(tmpdir(), 'commerceml-bench-'));
  try {
    const generationStarted = performance.now();
    const generated: Record<Encoding, GeneratedCommerceMl> = {
      'utf-8': await generateCommerceMl({ directory, products: PRODUCTS, seed: 1 }),
      'windows-1251': await (async () => {
        const folder = join(directory, 'windows-1251');
        await mkdir(folder);
        return generateCommerceMl({ directory: folder, products: PRODUCTS, seed: 1, encoding: 'windows-1251' });
      })(),
    };
    const archives = {} as Record<Encoding, { path: string; mb: number }>;
    for (const encoding of ['utf-8', 'windows-1251'] as const) {
      const path = join(directory, `v8_bench_${encoding}.zip`);
      await zip(
        [
          { path: generated[encoding].importPath, name: 'import0_1.xml' },
          { path: generated[encoding].offersPath, name: 'offers0_1.xml' },
        ],
        path,
      );
      archives[encoding] = { path, mb: (await stat(path)).size / MB };
    }
    const generationSeconds = (performance.now() - generationStarted) / 1000;

    const rows: Row[] = [];
    const measure = async (
      row: Omit<Row, 'runs'>,
      name: PhaseName,
      args: (run: number) => string[],
      nodeFlags: string[] = [],
    ) => {
      const runs: PhaseResult[] = [];
      for (let run = 0; run < RUNS; run += 1) {
        const result = await runInChild(name, args(run), nodeFlags);
        runs.push(result);
        console.error(
          `${row.phase} (${row.input}) run ${run + 1}/${RUNS}: ${(result.ms / 1000).toFixed(2)} s, ` +
            `peak RSS ${result.maxRssMb.toFixed(0)} MB`,
        );
      }
      rows.push({ ...row, runs });
    };
    const label = { 'utf-8': 'UTF-8', 'windows-1251': 'windows-1251' } as const;
    const both = (encoding: Encoding) => [`${encoding} import`, `${encoding} offers`];
    for (const encoding of ['utf-8', 'windows-1251'] as const) {
      for (const file of ['import', 'offers'] as const) {
        const path = file === 'import' ? generated[encoding].importPath : generated[encoding].offersPath;
        const row = { input: `${file}.xml, ${label[encoding]}`, encoding, ceiling: [`${encoding} ${file}`] };
        await measure({ phase: 'raw saxes (ceiling)', ...row }, 'raw-saxes', () => [encoding, path]);
        await measure({ phase: 'parseCommerceMl', ...row }, 'parse', () => [path]);
      }
    }
    for (const decoder of ['TextDecoder', 'iconv-lite']) {
      await measure(
        {
          phase: `decode only: ${decoder === 'TextDecoder' ? "TextDecoder('windows-1251')" : 'iconv-lite win1251'}`,
          input: 'import.xml, windows-1251',
          encoding: 'windows-1251',
          ceiling: [],
        },
        'decode',
        () => [decoder, generated['windows-1251'].importPath],
      );
    }
    for (const encoding of ['utf-8', 'windows-1251'] as const) {
      await measure(
        {
          phase: 'end to end in process: safeUnzip + parse into a counting sink',
          input: `zip of import + offers (${archives[encoding].mb.toFixed(1)} MB), ${label[encoding]}`,
          encoding,
          ceiling: both(encoding),
        },
        'end-to-end',
        (run) => [archives[encoding].path, join(directory, `unzipped-${encoding}-${run}`)],
      );
    }
    if (process.env.BENCH_EXCHANGE !== '0') {
      for (const encoding of ['utf-8', 'windows-1251'] as const) {
        const { importBytes, offersBytes } = generated[encoding];
        await measure(
          {
            phase: 'end to end into the mirror: fake 1C → API (upload, unzip, import steps, master data)',
            input: `zip of import + offers (${archives[encoding].mb.toFixed(1)} MB), ${label[encoding]}, file_limit 1 MiB`,
            encoding,
            ceiling: both(encoding),
          },
          'exchange',
          () => [archives[encoding].path, String(importBytes + offersBytes), 'import0_1.xml', 'offers0_1.xml'],
        );
      }
    }
    const cpu = cpus();
    const facts: RunFacts = {
      products: PRODUCTS,
      goods: generated['utf-8'].importCounts.product,
      offers: generated['utf-8'].offersCounts.offer,
      generationSeconds,
      runs: RUNS,
      node: process.version,
      cpu: `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}`,
      loadAverage: loadavg()[0],
    };
    if (process.env.BENCH_RESULTS) {
      await writeFile(process.env.BENCH_RESULTS, JSON.stringify({ rows, facts }, null, 2));
    }
    await render(rows, facts);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--phase') {
  const [, , , phase, ...args] = process.argv;
  runPhase(phase as PhaseName, args)
    .then((result) => {
      // VmHWM, not resourceUsage().maxRSS: Linux carries the parent's high-water mark over into ru_maxrss at exec.
      const maxRssMb = result.maxRssMb ?? procStatus(process.pid).peakRssMb;
      process.stdout.write(`\n${RESULT_MARK}${JSON.stringify({ ...result, maxRssMb })}\n`);
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
