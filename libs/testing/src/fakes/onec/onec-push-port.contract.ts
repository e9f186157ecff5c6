import { randomUUID } from 'node:crypto';
import { IntegrationError } from '@app/core';
import type { CloudEvent } from '@app/events';
import type { OnecPushPort } from '@app/onec';
import type { OnecPushAnswer } from './onec-push-port.double';

export interface OnecPushPortHarness {
  readonly port: OnecPushPort;
  /** 1C's next answer to a push, instead of accepting it. */
  answerNext(answer: OnecPushAnswer): void;
  /** What 1C accepted, once per event, in order: each event's id and its payload as 1C reads it. */
  accepted(): readonly { readonly id: string; readonly payload: Record<string, unknown> }[];
}

function event(subject: string): CloudEvent {
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: '/mastermobile/middleware/test',
    type: 'mastermobile.instant_order.confirmed.v1',
    subject,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data: { orderId: subject, amount: '150.00' },
    destination: 'onec',
  };
}

async function failureOf(push: Promise<void>): Promise<IntegrationError> {
  try {
    await push;
  } catch (error) {
    if (error instanceof IntegrationError) {
      return error;
    }
    throw error;
  }
  throw new Error('the push succeeded');
}

/**
 * The promises of {@link OnecPushPort}, for the real client (against the fake 1C HTTP service) and for its double
 * alike: the same pushes and the same answers from 1C give the same accepted events and the same failure kinds,
 * which is what the event backbone and domain code act on. `start` runs once; each test uses fresh events.
 */
export function describeOnecPushPortContract(
  name: string,
  lifecycle: { start(): Promise<OnecPushPortHarness>; stop?(): Promise<void> },
): void {
  describe(`${name} keeps the OnecPushPort contract`, () => {
    let harness: OnecPushPortHarness;
    const acceptedIds = (events: readonly CloudEvent[]) => {
      const ids = new Set(events.map((pushed) => pushed.id));
      return harness
        .accepted()
        .map((accepted) => accepted.id)
        .filter((id) => ids.has(id));
    };

    beforeAll(async () => {
      harness = await lifecycle.start();
    });
    afterAll(async () => {
      await lifecycle.stop?.();
    });

    it('delivers each event to 1C with its id, type, subject and data', async () => {
      const first = event('order-1');
      const second = event('order-2');
      await harness.port.push(first);
      await harness.port.push(second);
      expect(acceptedIds([first, second])).toEqual([first.id, second.id]);
      const delivered = harness.accepted().find((accepted) => accepted.id === first.id);
      expect(delivered?.payload).toMatchObject({
        id: first.id,
        type: first.type,
        subject: first.subject,
        data: first.data,
      });
    });

    it('delivers an event pushed again (a retry after a lost answer) to 1C once', async () => {
      const pushed = event('order-3');
      await harness.port.push(pushed);
      await harness.port.push(pushed);
      expect(acceptedIds([pushed])).toEqual([pushed.id]);
    });

    it.each<[string, IntegrationError['kind'], OnecPushAnswer]>([
      ['fails on its side', 'transient', { kind: 'server_error' }],
      ['does not answer in time', 'transient', { kind: 'no_answer' }],
      ['refuses our credentials', 'unavailable', { kind: 'credentials_refused' }],
      ['will never take the push', 'permanent', { kind: 'rejected' }],
    ])(
      'when 1C %s, the push fails as %s and 1C holds nothing; pushed again, it arrives',
      async (_how, kind, answer) => {
        const pushed = event(`order-${answer.kind}`);
        harness.answerNext(answer);
        const failure = await failureOf(harness.port.push(pushed));
        expect({ kind: failure.kind, system: failure.system }).toEqual({ kind, system: 'onec' });
        expect(acceptedIds([pushed])).toEqual([]);
        await harness.port.push(pushed);
        expect(acceptedIds([pushed])).toEqual([pushed.id]);
      },
    );

    it('when 1C asks to slow down, the push fails as rate_limited, to retry no sooner than 1C said', async () => {
      const pushed = event('order-slow');
      harness.answerNext({ kind: 'slow_down', retryAfterSeconds: 30 });
      const before = Date.now();
      const failure = await failureOf(harness.port.push(pushed));
      expect(failure.kind).toBe('rate_limited');
      expect(failure.retryAt?.getTime()).toBeGreaterThanOrEqual(before + 29_000);
      expect(acceptedIds([pushed])).toEqual([]);
    });

    it('waits before retrying when 1C refuses our credentials: someone has to fix them', async () => {
      harness.answerNext({ kind: 'credentials_refused' });
      const before = Date.now();
      const failure = await failureOf(harness.port.push(event('order-auth')));
      expect(failure.retryAt?.getTime()).toBeGreaterThan(before + 60_000);
    });
  });
}
