import { Bitrix24Module } from '@app/bitrix24';
import { Module } from '@nestjs/common';
import { DELIVERY_BOARD_KIND } from '../domain/delivery-board';

/** The delivery kind, a smart process, registered with the Bitrix24 connector in both apps (both read the mapping). */
@Module({
  imports: [Bitrix24Module.forFeature({ kinds: [{ name: DELIVERY_BOARD_KIND, representation: 'smart_process' }] })],
})
export class DeliveriesBitrix24Bindings {}
