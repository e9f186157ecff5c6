import type { DiscoveryService } from '@nestjs/core';
import type { Bitrix24EntityKind } from '../ports/entity-kind.port';
import { Bitrix24EntityKinds, Bitrix24Module } from './entity-kinds';

/** The providers `forFeature` adds, as the container would list them. */
function registeredBy(...features: (readonly Bitrix24EntityKind[])[]): Bitrix24EntityKinds {
  const providers = features.flatMap((kinds) => Bitrix24Module.forFeature({ kinds }).providers ?? []);
  const discovery = {
    getProviders: () => providers.map((provider) => ({ instance: (provider as { useValue: unknown }).useValue })),
  };
  return new Bitrix24EntityKinds(discovery as unknown as DiscoveryService);
}

describe('Bitrix24 entity kinds', () => {
  it('collects what every domain module registered; the same kind twice alike is one kind', () => {
    const kinds = registeredBy(
      [{ name: 'delivery', representation: 'smart_process' }],
      [
        { name: 'company', representation: 'company' },
        { name: 'delivery', representation: 'smart_process' },
      ],
    );
    expect(kinds.all).toEqual([
      { name: 'company', representation: 'company' },
      { name: 'delivery', representation: 'smart_process' },
    ]);
    expect(kinds.get('lorry')).toBeUndefined();
  });

  it('stops the start-up on a kind registered as two representations, a bad name or an unknown representation', () => {
    expect(() =>
      registeredBy(
        [{ name: 'delivery', representation: 'smart_process' }],
        [{ name: 'delivery', representation: 'company' }],
      ),
    ).toThrow('Bitrix24 entity kind "delivery" is registered twice, as smart_process and as company');
    expect(() => registeredBy([{ name: 'Delivery', representation: 'smart_process' }])).toThrow(
      /Bitrix24 entity kind "Delivery": use lower-case letters/,
    );
    expect(() => registeredBy([{ name: 'deal', representation: 'deal' as never }])).toThrow(
      /unknown representation "deal"/,
    );
  });

  it('keeps productRows for smart processes, and refuses it elsewhere or registered both ways', () => {
    const kinds = registeredBy(
      [{ name: 'instant_order', representation: 'smart_process', productRows: true }],
      [{ name: 'instant_order', representation: 'smart_process', productRows: true }],
    );
    expect(kinds.get('instant_order')).toEqual({
      name: 'instant_order',
      representation: 'smart_process',
      productRows: true,
    });
    expect(() => registeredBy([{ name: 'company', representation: 'company', productRows: true }])).toThrow(
      'Bitrix24 entity kind "company": only smart_process items have product rows, not company',
    );
    expect(() =>
      registeredBy(
        [{ name: 'instant_order', representation: 'smart_process', productRows: true }],
        [{ name: 'instant_order', representation: 'smart_process' }],
      ),
    ).toThrow('Bitrix24 entity kind "instant_order" is registered twice, with and without productRows');
  });
});
