import { PortBindingError } from '@app/core';
import type { Bitrix24EntityKinds } from '../kinds/entity-kinds';
import { Bitrix24InboundHandler, type InboundChange } from '../ports/inbound-change.port';
import { ownersByKind } from './inbound-handlers';

class Handler extends Bitrix24InboundHandler {
  constructor(readonly kinds: readonly string[]) {
    super();
  }

  apply(_change: InboundChange): Promise<void> {
    return Promise.resolve();
  }
}
class Deliveries extends Handler {}
class RivalDeliveries extends Handler {}
class Returns extends Handler {}

const registered: Pick<Bitrix24EntityKinds, 'get'> = {
  get: (name) => (['delivery', 'return'].includes(name) ? { name, representation: 'smart_process' } : undefined),
};

function problemsOf(handlers: Bitrix24InboundHandler[]): readonly string[] {
  try {
    ownersByKind(handlers, registered);
  } catch (error) {
    if (error instanceof PortBindingError) {
      return error.problems;
    }
    throw error;
  }
  return [];
}

describe('Bitrix24 inbound handlers: who owns each kind', () => {
  it('gives each registered kind to the one handler that claims it', () => {
    const deliveries = new Deliveries(['delivery']);
    const returns = new Returns(['return']);
    expect(ownersByKind([deliveries, returns], registered)).toEqual(
      new Map<string, Bitrix24InboundHandler>([
        ['delivery', deliveries],
        ['return', returns],
      ]),
    );
  });

  it('stops the start-up on two owners of a kind, an unregistered kind, or a handler owning nothing', () => {
    expect(
      problemsOf([new Deliveries(['delivery']), new RivalDeliveries(['delivery', 'lorry']), new Returns([])]),
    ).toEqual([
      'Bitrix24InboundHandler: entity kind "delivery" is claimed by both Deliveries and RivalDeliveries; each kind has one owner',
      'Bitrix24InboundHandler RivalDeliveries handles entity kind "lorry", which no module registered (Bitrix24Module.forFeature)',
      'Bitrix24InboundHandler Returns owns no entity kind, so it would never be used',
    ]);
  });
});
