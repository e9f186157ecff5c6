// CommerceML parse benchmark: `npm run bench:commerceml` (BENCH_PRODUCTS=… to change the size, default 100,000).
// Each measured phase runs in its own child process so that its peak RSS is its own.
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { SaxesParser } from 'saxes';
import yazl from 'yazl';
import { generateCommerceMl, parseCommerceMl } from '../libs/connectors/onec/src/commerceml';
import { safeUnzip } from '../libs/connectors/onec/src/zip';

type PhaseName = 'raw-saxes' | 'parse' | 'end-to-end';

interface PhaseResult {
  bytes: number;
  ms: number;
  elements: number | null;
  records: number | null;
  maxRssMb: number;
}

interface Row extends PhaseResult {
  phase: string;
  input: string;
}

const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 100_000);
const RSS_TARGET_MB = 256;
const SECTION_TITLE = '## CommerceML parse';

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
      'end to end: safeUnzip + parse into a counting sink',
      `zip of import + offers (${archiveMb.toFixed(1)} MB)`,
      'end-to-end',
      [archive, join(directory, 'exchange')],
    );

    const parseRss = Math.max(...rows.filter((row) => row.phase !== 'raw saxes (ceiling)').map((row) => row.maxRssMb));
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
      `Parse path peak RSS ${parseRss.toFixed(0)} MB (target ≤ ${RSS_TARGET_MB} MB): ${parseRss <= RSS_TARGET_MB ? 'met' : 'NOT met'}.`,
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
