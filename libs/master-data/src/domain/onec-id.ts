/** 1C's reference ids are GUIDs (`Ссылка.УникальныйИдентификатор()`), lower- or upper-case. */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/**
 * An offer's or a variant's `Ид`: `<product>` or `<product>#<characteristic>`. The characteristic part names the
 * 1C characteristic (`ХарактеристикаНоменклатуры`) of the product.
 */
export interface OfferId {
  readonly productId: string;
  readonly characteristicId: string | null;
}

export function splitOfferId(id: string): OfferId {
  const hash = id.indexOf('#');
  if (hash < 0) {
    return { productId: id, characteristicId: null };
  }
  const characteristic = id.slice(hash + 1);
  return { productId: id.slice(0, hash), characteristicId: characteristic === '' ? null : characteristic };
}

export function joinOfferId(offer: OfferId): string {
  return offer.characteristicId === null ? offer.productId : `${offer.productId}#${offer.characteristicId}`;
}

/** The key of a composite row: a price is `<offer>|<price type>`, a stock level `<offer>|<warehouse>`. */
export function compositeKey(offerId: string, otherId: string | null): string {
  return `${offerId}|${otherId ?? '*'}`;
}
