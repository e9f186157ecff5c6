// Starts the fake Bitrix24 portal for demos and manual runs: `npm run build && node dist/scripts/fake-bitrix24.js`.
import { parseArgs } from 'node:util';
import { FakeBitrix24 } from '@app/testing';

const USAGE =
  'usage: fake-bitrix24 [--port 8090] [--host 127.0.0.1] [--burst 50] [--rate 2] [--application-token TOKEN]';

function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) {
    throw new Error(`--${name} must be a non-negative number\n${USAGE}`);
  }
  return parsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8090' },
      host: { type: 'string', default: '127.0.0.1' },
      burst: { type: 'string' },
      rate: { type: 'string' },
      'application-token': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const fake = await FakeBitrix24.start({
    host: values.host,
    port: numberOption(values.port, 'port'),
    limits: { burst: numberOption(values.burst, 'burst'), drainPerSec: numberOption(values.rate, 'rate') },
    oauth: { applicationToken: values['application-token'] },
  });
  const { oauth } = fake;
  console.log(`Fake Bitrix24 portal on ${fake.baseUrl}`);
  console.log(`Webhook URL:       ${fake.webhookUrl}`);
  console.log(`OAuth client_id:   ${oauth.clientId}`);
  console.log(`OAuth secret:      ${oauth.clientSecret}`);
  console.log(`Access token:      ${oauth.accessToken}`);
  console.log(`Refresh token:     ${oauth.refreshToken}`);
  console.log(`Token endpoint:    ${oauth.tokenUrl}`);
  console.log(`Application token: ${oauth.applicationToken}`);
  console.log(`Member id:         ${oauth.memberId}`);
  console.log(`Inspection API:    ${fake.baseUrl}/_fake/state`);

  const shutdown = (signal: string): void => {
    console.log(`${signal}: stopping`);
    fake.stop().then(
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

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
