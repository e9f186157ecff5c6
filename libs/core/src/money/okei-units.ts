/**
 * OKEI units counted in whole pieces (штука 796, упаковка 778, комплект 839, пара 715, набор 704): goods in them are
 * sold and returned by the piece. Every other unit (кг 166, г 163, л 112, м 006, …) is measured, to three places.
 */
const COUNTED_UNITS = new Set(['796', '778', '839', '715', '704']);

export function isCountedUnit(okeiCode: string | null): boolean {
  return okeiCode !== null && COUNTED_UNITS.has(okeiCode);
}

/** Kopecks: 1C's prices and amounts are `numeric(15,2)`. */
export const MONEY_SCALE = 2;
/** Thousandths: 1C keeps quantities to three places (grams of a kilogram). */
export const QUANTITY_SCALE = 3;
