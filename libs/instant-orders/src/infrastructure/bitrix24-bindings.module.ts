import { Bitrix24Module } from '@app/bitrix24';
import { Module } from '@nestjs/common';
import { INSTANT_ORDER_KIND } from '../domain/instant-order-board';

/**
 * The instant order kind, a smart process read with its product rows (the sale's lines), registered with the
 * Bitrix24 connector in both apps (both read the mapping).
 */
@Module({
  imports: [
    Bitrix24Module.forFeature({
      kinds: [{ name: INSTANT_ORDER_KIND, representation: 'smart_process', productRows: true }],
    }),
  ],
})
export class InstantOrdersBitrix24Bindings {}
