import type { UpsertRequest } from '../ports/upsert.port';
import { adoptConflict } from './upsert-batcher';

describe('adopting an item made in the portal', () => {
  const request: UpsertRequest = { kind: 'instant_order', externalId: 'order-1', fields: {}, adoptBitrixId: '17' };

  it('is allowed for an item we only read, or one already ours, and again after that', () => {
    expect(adoptConflict(request, undefined, new Map())).toBeUndefined();
    expect(adoptConflict(request, null, new Map([['17', 'bitrix24:17']]))).toBeUndefined();
    expect(adoptConflict(request, '17', new Map([['17', 'order-1']]))).toBeUndefined();
  });

  it('is a permanent conflict when the item is linked to another external id', () => {
    const error = adoptConflict(request, undefined, new Map([['17', 'order-2']]));
    expect(error).toMatchObject({ kind: 'permanent', code: 'BITRIX24_ADOPT_CONFLICT' });
    expect(error?.message).toBe(
      'Cannot adopt instant_order 17 as order-1: instant_order 17 is already linked to external id order-2',
    );
  });

  it('is a permanent conflict when our external id already has another item', () => {
    expect(adoptConflict(request, '18', new Map())).toMatchObject({
      kind: 'permanent',
      code: 'BITRIX24_ADOPT_CONFLICT',
      message: 'Cannot adopt instant_order 17 as order-1: external id order-1 is already linked to instant_order 18',
    });
  });
});
