// The fake 1C for demos and manual runs: `npm run build && node dist/scripts/fake-1c.js <command> [options]`.
//   catalog       plays 1C's catalog exchange against a running API (generated catalog, or --file …)
//   sale          plays 1C's order exchange (query → success → 1C's documents back with --documents …)
//   http-service  runs a fake of 1C's published HTTP service that prints what the middleware pushes
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { FakeOnecExchange, FakeOnecHttpService, generateCommerceMl, type FakeOnecFile } from '@app/testing';

const USAGE = `usage:
  fake-1c catalog [--url http://127.0.0.1:3000] [--login L --password P] [--products 1000 | --file F ...] [--no-zip]
  fake-1c sale [--url …] [--login L --password P] [--version 2.08] [--documents F ...]
  fake-1c http-service [--port 8091] [--host 127.0.0.1] [--login L --password P]

Exchange credentials default to ONEC_EXCHANGE_LOGIN / ONEC_EXCHANGE_PASSWORD from the environment.`;

function options() {
  return parseArgs({
    allowPositionals: true,
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:3000' },
      path: { type: 'string', default: '/bitrix/admin/1c_exchange.php' },
      login: { type: 'string' },
      password: { type: 'string' },
      products: { type: 'string', default: '1000' },
      file: { type: 'string', multiple: true },
      documents: { type: 'string', multiple: true },
      version: { type: 'string', default: '2.08' },
      'no-zip': { type: 'boolean', default: false },
      port: { type: 'string', default: '8091' },
      host: { type: 'string', default: '127.0.0.1' },
      help: { type: 'boolean', default: false },
    },
  });
}

type Options = ReturnType<typeof options>['values'];

function client(values: Options): FakeOnecExchange {
  // process.env is read here only because this is a standalone demo tool, not the application.
  const login = values.login ?? process.env.ONEC_EXCHANGE_LOGIN;
  const password = values.password ?? process.env.ONEC_EXCHANGE_PASSWORD;
  if (!login || !password) {
    throw new Error(`--login and --password (or ONEC_EXCHANGE_LOGIN / ONEC_EXCHANGE_PASSWORD) are required\n${USAGE}`);
  }
  return new FakeOnecExchange({ baseUrl: values.url.replace(/\/$/, ''), path: values.path, login, password });
}

function printTranscript(exchange: FakeOnecExchange): void {
  for (const call of exchange.transcript) {
    const target = call.filename ? ` ${call.filename}` : '';
    console.log(`${call.method} ${call.type}/${call.mode}${target} → ${call.text.split('\n').join(' | ')}`);
  }
}

async function catalog(values: Options): Promise<void> {
  const exchange = client(values);
  let directory: string | undefined;
  let files: FakeOnecFile[];
  if (values.file?.length) {
    files = values.file.map((path) => ({ name: basename(path), path }));
  } else {
    directory = await mkdtemp(join(tmpdir(), 'fake-1c-'));
    const generated = await generateCommerceMl({ directory, products: Number(values.products), seed: 1 });
    files = [
      { name: 'import0_1.xml', path: generated.importPath },
      { name: 'offers0_1.xml', path: generated.offersPath },
    ];
  }
  try {
    const started = performance.now();
    const result = await exchange.runCatalogExchange({ files, zip: values['no-zip'] ? 'never' : 'auto' });
    printTranscript(exchange);
    console.log(
      `\n${result.failure ? `FAILED: ${result.failure}` : 'success'} in ${((performance.now() - started) / 1000).toFixed(1)} s: ` +
        `${result.uploadRequests} upload request(s) at file_limit=${result.fileLimit}, ${result.importCalls} import call(s), ` +
        `zip=${result.zipped ? 'yes' : 'no'}`,
    );
    process.exitCode = result.failure ? 1 : 0;
  } finally {
    if (directory) {
      await rm(directory, { recursive: true, force: true });
    }
  }
}

async function sale(values: Options): Promise<void> {
  const exchange = client(values);
  const result = await exchange.runSaleExchange({
    version: values.version === 'none' ? null : values.version,
    documents: (values.documents ?? []).map((path) => ({ name: basename(path), path })),
  });
  printTranscript(exchange);
  const documents = (result.query.text.match(/<Документ>/g) ?? []).length;
  console.log(`\nquery returned ${documents} document(s) (${result.query.contentType})`);
  console.log(result.query.text);
  process.exitCode = result.failure ? 1 : 0;
}

async function httpService(values: Options): Promise<void> {
  const service = await FakeOnecHttpService.start({
    host: values.host,
    port: Number(values.port),
    login: values.login,
    password: values.password,
  });
  console.log(`Fake 1C HTTP service: set ONEC_HTTP_BASE_URL=${service.url}`);
  let printed = 0;
  const timer = setInterval(() => {
    for (const push of service.received.slice(printed)) {
      console.log(`${push.receivedAt.toISOString()} ${push.status} ${JSON.stringify(push.body)}`);
    }
    printed = service.received.length;
  }, 250);
  const shutdown = (signal: string): void => {
    console.log(`${signal}: stopping`);
    clearInterval(timer);
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

async function main(): Promise<void> {
  const { values, positionals } = options();
  if (values.help || positionals.length !== 1) {
    console.log(USAGE);
    return;
  }
  switch (positionals[0]) {
    case 'catalog':
      return catalog(values);
    case 'sale':
      return sale(values);
    case 'http-service':
      return httpService(values);
    default:
      throw new Error(`unknown command ${positionals[0]}\n${USAGE}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
