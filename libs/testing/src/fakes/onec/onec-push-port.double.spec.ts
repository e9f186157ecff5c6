import { describeOnecPushPortContract } from './onec-push-port.contract';
import { InMemoryOnecPushPort } from './onec-push-port.double';

describeOnecPushPortContract('InMemoryOnecPushPort (the double)', {
  start: () => {
    const port = new InMemoryOnecPushPort();
    return Promise.resolve({
      port,
      answerNext: (answer) => port.answerNext(answer),
      accepted: () => [...port.accepted.values()].map((pushed) => ({ id: pushed.id, payload: { ...pushed } })),
    });
  },
});
