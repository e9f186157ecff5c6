/**
 * VAT rates a product or a price can carry, as codes on the wire and in the mirror. From 2026 the general rate is 22 %
 * (Federal Law 425-FZ); 20 % stays valid for documents dated before 2026. `22/122` and `10/110` are the included
 * ("calculated") rates used on advances and on prices that include VAT; 5 % and 7 % are the reduced rates of
 * simplified-tax payers (since 2025). `without` is «Без НДС», which is not the same as 0 %.
 */
export const VAT_RATES = [
  '22',
  '20',
  '10',
  '7',
  '5',
  '0',
  'without',
  '22/122',
  '20/120',
  '10/110',
  '7/107',
  '5/105',
] as const;
export type VatRate = (typeof VAT_RATES)[number];

export function isVatRate(value: unknown): value is VatRate {
  return typeof value === 'string' && (VAT_RATES as readonly string[]).includes(value);
}

/**
 * CommerceML's `СтавкаНалога/Ставка` as 1C and the 1C-Bitrix module write it: a number (`20`, `22`, `10.00`), a
 * percentage (`22%`), an included rate (`22/122`) or a phrase for no VAT (`Без налога`, `Без НДС`). Null when the
 * text is none of these (the record keeps no rate rather than a guessed one).
 */
export function vatRateFromCommerceMl(text: string | null): VatRate | null {
  if (text === null) {
    return null;
  }
  const normalised = text.trim().toLowerCase().replace(/\s+/g, ' ').replace(/%$/, '').replace(',', '.');
  if (normalised.startsWith('без')) {
    return 'without';
  }
  const included = /^(\d+)\/(\d+)$/.exec(normalised);
  if (included) {
    const candidate = `${included[1]}/${included[2]}`;
    return isVatRate(candidate) ? candidate : null;
  }
  const number = /^(\d+)(?:\.0+)?$/.exec(normalised);
  return number && isVatRate(number[1]) ? number[1] : null;
}
