import { Bitrix24Module } from '@app/bitrix24';
import { Module } from '@nestjs/common';

/** The courier's returns in Bitrix24: a smart process registered under this kind (mapping file `entities`). */
export const RETURN_KIND = 'return';

/**
 * The return kind, a smart process read with its product rows (the goods taken back), registered with the Bitrix24
 * connector in both apps (both read the mapping).
 */
@Module({
  imports: [
    Bitrix24Module.forFeature({ kinds: [{ name: RETURN_KIND, representation: 'smart_process', productRows: true }] }),
  ],
})
export class ReturnsBitrix24Bindings {}
