import {
  Bitrix24Module,
  CourierDirectory,
  CrmItemGateway,
  ProductCatalogGateway,
  RemoteEntityDirectory,
} from '@app/bitrix24';
import {
  BITRIX24_CONTRACT_SETUP,
  describeCourierDirectoryContract,
  describeCrmItemGatewayContract,
  describeProductCatalogGatewayContract,
  describeRemoteEntityDirectoryContract,
  FakeBitrix24,
} from '@app/testing';
import type { INestApplicationContext } from '@nestjs/common';
import { InProcessMiddleware, startInProcessMiddleware } from '../support/in-process-middleware';
import { webhookEnv, writeMappingFile } from './bitrix24-harness';

const ContractKinds = Bitrix24Module.forFeature({ kinds: BITRIX24_CONTRACT_SETUP.kinds });

/** Bitrix24 codes of the contract mapping's fields, for entities made behind the connector's back. */
const CODES: Record<string, Record<string, string>> = {
  contract_company: { name: 'title', active: 'ufCrm_MM_ACTIVE' },
  contract_product: { name: 'name', active: 'active' },
};

// The real adapters: the worker's gateways writing to the fake portal through the batcher, the shared limiter and
// the client. The doubles run the same contracts in libs/testing/src/fakes/bitrix24/port-doubles.spec.ts.
describe('Bitrix24 ports, real adapters against the fake portal', () => {
  let middleware: InProcessMiddleware;
  let fake: FakeBitrix24;
  let worker: INestApplicationContext;

  beforeAll(async () => {
    fake = await FakeBitrix24.start({
      smartProcesses: [{ entityTypeId: 1200, categories: [{ id: 14 }] }],
      limits: { burst: 50, drainPerSec: 50 },
    });
    middleware = await startInProcessMiddleware({
      env: webhookEnv(fake, {
        BITRIX24_MAPPING_FILE: writeMappingFile(BITRIX24_CONTRACT_SETUP.mapping),
        BITRIX24_RATE_BURST: '50',
        BITRIX24_RATE_PER_SECOND: '50',
      }),
      apiImports: [ContractKinds],
      workerImports: [ContractKinds],
    });
    worker = middleware.worker!.app;
  });
  afterAll(async () => {
    await middleware?.close();
    await fake?.stop();
  });

  describeCrmItemGatewayContract('BatchingCrmItemGateway', () => worker.get(CrmItemGateway));
  describeProductCatalogGatewayContract('BatchingProductCatalogGateway', () => worker.get(ProductCatalogGateway));
  describeRemoteEntityDirectoryContract('Bitrix24RemoteEntityDirectory', () => ({
    directory: worker.get(RemoteEntityDirectory),
    crm: worker.get(CrmItemGateway),
    catalog: worker.get(ProductCatalogGateway),
    // Through the fake's HTTP drift routes, as a domain's reconcile test in another process would.
    addRemote: async (kind, fields, externalId) => {
      const codes = Object.fromEntries(Object.entries(fields).map(([ours, value]) => [CODES[kind][ours], value]));
      const [path, identity] =
        kind === 'contract_company'
          ? [
              'ui/items/4',
              externalId === undefined
                ? {}
                : { originatorId: middleware.config.bitrix24.originatorId, originId: externalId },
            ]
          : ['ui/products', externalId === undefined ? {} : { xmlId: externalId }];
      const response = await fetch(`${fake.baseUrl}/_fake/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ fields: { ...codes, ...identity } }),
      });
      return String(((await response.json()) as { id: number }).id);
    },
  }));
  describeCourierDirectoryContract('Bitrix24CourierDirectory', () => ({
    directory: worker.get(CourierDirectory),
    seed: (couriers) =>
      fake.seed({
        users: couriers.map((courier) => ({
          ID: Number(courier.bitrixUserId),
          NAME: String(courier.fields.name),
          ACTIVE: courier.active,
          UF_USR_1C_ID: courier.externalId ?? '',
        })),
      }),
  }));
});
