import { Bitrix24Module, CourierDirectory, CrmItemGateway, ProductCatalogGateway } from '@app/bitrix24';
import {
  BITRIX24_CONTRACT_SETUP,
  describeCourierDirectoryContract,
  describeCrmItemGatewayContract,
  describeProductCatalogGatewayContract,
  FakeBitrix24,
} from '@app/testing';
import type { INestApplicationContext } from '@nestjs/common';
import { InProcessMiddleware, startInProcessMiddleware } from '../support/in-process-middleware';
import { webhookEnv, writeMappingFile } from './bitrix24-harness';

const ContractKinds = Bitrix24Module.forFeature({ kinds: BITRIX24_CONTRACT_SETUP.kinds });

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
      env: webhookEnv(fake, { BITRIX24_MAPPING_FILE: writeMappingFile(BITRIX24_CONTRACT_SETUP.mapping) }),
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
