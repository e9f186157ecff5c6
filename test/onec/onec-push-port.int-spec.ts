import { AppConfig } from '@app/core';
import { OnecPushPort } from '@app/onec';
import {
  createTestEnvironment,
  describeOnecPushPortContract,
  FakeOnecHttpService,
  OnecPushAnswer,
  OnecServiceFault,
  TestEnvironment,
} from '@app/testing';
import { RunningWorker, startWorker } from '../../apps/worker/src/worker';

/** How the fake 1C HTTP service acts out each answer, in HTTP. */
function faultOf(answer: OnecPushAnswer): OnecServiceFault {
  switch (answer.kind) {
    case 'server_error':
      return { kind: 'status', status: 500 };
    case 'no_answer':
      return { kind: 'hang' };
    case 'slow_down':
      return { kind: 'status', status: 429, retryAfterSeconds: answer.retryAfterSeconds };
    case 'credentials_refused':
      return { kind: 'status', status: 401 };
    case 'rejected':
      return { kind: 'status', status: 422 };
  }
}

let fake: FakeOnecHttpService;
let env: TestEnvironment;
let worker: RunningWorker;

describeOnecPushPortContract("OnecHttpServiceClient (the worker's port) against the fake 1C HTTP service", {
  start: async () => {
    fake = await FakeOnecHttpService.start({ login: 'middleware', password: 'hs-password' });
    env = await createTestEnvironment();
    const config = env.config({
      ONEC_HTTP_BASE_URL: fake.url,
      ONEC_HTTP_LOGIN: 'middleware',
      ONEC_HTTP_PASSWORD: 'hs-password',
      // Long enough for a loaded CI machine to answer an ordinary push; the hanging case waits it out once.
      ONEC_HTTP_TIMEOUT_MS: '2000',
      // The contract's failures are one at a time; the breaker's own behaviour is tested with the consumer.
      ONEC_HTTP_BREAKER_FAILURES: '1000',
    });
    worker = await startWorker({ ...config, worker: { ...config.worker, opsPort: 0 } } as AppConfig);
    return {
      port: worker.app.get(OnecPushPort),
      answerNext: (answer) => fake.inject(faultOf(answer)),
      accepted: () =>
        fake.received
          .filter((push) => push.status === 200 && !push.duplicate)
          .map((push) => ({ id: push.idempotencyKey ?? '', payload: push.body as Record<string, unknown> })),
    };
  },
  stop: async () => {
    await worker?.close();
    await env?.dispose();
    await fake?.stop();
  },
});
