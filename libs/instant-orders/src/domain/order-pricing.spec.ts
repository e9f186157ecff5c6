import type { FieldError } from '@app/core';
import type { OrderLineInput } from './instant-order';
import { type OfferTermsView, priceOrder, type PricingPolicy, vatPercent } from './order-pricing';

/*
 * Every figure below is computed by hand from the documented rule (docs/integrations/instant-orders.md, «Amounts,
 * VAT and rounding»), never copied from the function:
 *   gross = Окр(quantity × price, 2), half away from zero;   amount = gross − discount;
 *   VAT   = Окр(amount × rate / (100 + rate), 2), included;    total, VAT total = sums of the lines'.
 */

const terms = (
  name: string,
  price: string | null,
  unitCode: string | null,
  vatRate: string | null,
): OfferTermsView => ({ name, price, unitCode, vatRate });

/** The mirror, keyed by offer id (`product` or `product#characteristic`). */
const CATALOGUE = new Map<string, OfferTermsView>([
  ['apples', terms('Яблоки', '299.99', '166', '22')],
  ['apples#red', terms('Яблоки красные', '299.99', '166', '22')],
  ['apples#green', terms('Яблоки зелёные', '299.99', '166', '22')],
  ['apples#gold', terms('Яблоки золотые', '299.99', '166', '22')],
  ['sugar#1', terms('Сахар', '10.00', '166', '10')],
  ['sugar#2', terms('Сахар', '10.00', '166', '10')],
  ['sugar#3', terms('Сахар', '10.00', '166', '10')],
  ['seeds#a', terms('Семена', '0.05', '166', 'without')],
  ['seeds#b', terms('Семена', '0.05', '166', 'without')],
  ['seeds#c', terms('Семена', '0.05', '166', 'without')],
  ['nails#s', terms('Гвозди', '0.04', '166', 'without')],
  ['nails#l', terms('Гвозди', '0.04', '166', 'without')],
  ['bolts#a', terms('Болты', '0.50', '166', '0')],
  ['bolts#b', terms('Болты', '0.50', '166', '0')],
  ['salt', terms('Соль', '0.03', '166', '20')],
  ['tea', terms('Чай', '99.99', '796', '22')],
  ['water', terms('Вода', '100.00', '796', '22')],
  ['gum', terms('Жвачка', '0.05', '796', 'without')],
  ['cable', terms('Кабель', '12.50', null, null)],
  ['unpriced', terms('Без цены', null, '796', '22')],
]);

const POLICY: PricingPolicy = { discountLimitPercent: 10, discountReason: 'damaged_packaging' };

/** A line as a courier sends it; `offer` is `product` or `product#characteristic`. */
const item = (offer: string, quantity: string, price: string, amount: string, discount: string | null = null) => {
  const [productId, characteristicId = null] = offer.split('#');
  return { productId, characteristicId, quantity, price, discount, amount } satisfies OrderLineInput;
};

const rules = (errors: readonly FieldError[]) =>
  errors.map(({ path, message }) => `${path} ${message.slice(0, message.indexOf(':'))}`);

interface PricingCase {
  readonly items: OrderLineInput[];
  readonly total: string;
  readonly policy?: Partial<PricingPolicy>;
  /** Each priced line's `[amount, vatAmount]`. */
  readonly lines: [string, string][];
  /** `[total, vatTotal]`. */
  readonly totals: [string, string];
  /** `<path> <RULE>`, in the order reported. */
  readonly errors?: string[];
}

const APPLES_THIRD = item('apples', '0.333', '299.99', '99.90'); // 299.99 × 0.333 = 99.89667 → 99.90
const APPLES_THIRD_VAT = '18.01'; // 99.90 × 22 / 122 = 2197.8 / 122 = 18.01475… → 18.01

const CASES: [string, PricingCase][] = [
  // ── weight and per-line rounding ──────────────────────────────────────────────────────────────────────────────
  [
    'a third of a kilogram: 0.333 kg × 299.99 = 99.89667 → 99.90, VAT 18.01',
    {
      items: [APPLES_THIRD],
      total: '99.90',
      lines: [['99.90', APPLES_THIRD_VAT]],
      totals: ['99.90', APPLES_THIRD_VAT],
    },
  ],
  [
    // 1.5 × 299.99 = 449.985 → 449.99 (half up); 449.99 × 22 = 9899.78, / 122 = 81.1457… → 81.15
    'a fractional quantity of a unit sold by measure (166) is allowed, and 449.985 rounds up',
    {
      items: [item('apples', '1.5', '299.99', '449.99')],
      total: '449.99',
      lines: [['449.99', '81.15']],
      totals: ['449.99', '81.15'],
    },
  ],
  [
    // 3 × 99.90 = 299.70 (not Окр(3 × 99.89667 = 299.69001) = 299.69); VAT 3 × 18.01 = 54.03, whereas
    // Окр(299.70 × 22 / 122 = 6593.4 / 122 = 54.0442…) would be 54.04
    'three thirds: total and VAT are sums of per-line roundings (299.70 / 54.03), not roundings of a sum',
    {
      items: [
        item('apples#red', '0.333', '299.99', '99.90'),
        item('apples#green', '0.333', '299.99', '99.90'),
        item('apples#gold', '0.333', '299.99', '99.90'),
      ],
      total: '299.70',
      lines: [
        ['99.90', '18.01'],
        ['99.90', '18.01'],
        ['99.90', '18.01'],
      ],
      totals: ['299.70', '54.03'],
    },
  ],
  [
    'three thirds sent as the rounded exact sum 299.69 are a TOTAL_MISMATCH',
    {
      items: [
        item('apples#red', '0.333', '299.99', '99.90'),
        item('apples#green', '0.333', '299.99', '99.90'),
        item('apples#gold', '0.333', '299.99', '99.90'),
      ],
      total: '299.69',
      lines: [
        ['99.90', '18.01'],
        ['99.90', '18.01'],
        ['99.90', '18.01'],
      ],
      totals: ['299.70', '54.03'],
      errors: ['total TOTAL_MISMATCH'],
    },
  ],
  [
    // 0.333 × 10.00 = 3.33 each → 9.99; VAT 10 %: 3.33 / 11 = 0.30272… → 0.30 each → 0.90, whereas the VAT of the
    // sum would be Окр(9.99 / 11 = 0.90818…) = 0.91
    'the docs’ three lines of 0.333 kg × 10.00: 9.99 with VAT 0.90 (not 0.91)',
    {
      items: [
        item('sugar#1', '0.333', '10.00', '3.33'),
        item('sugar#2', '0.333', '10.00', '3.33'),
        item('sugar#3', '0.333', '10.00', '3.33'),
      ],
      total: '9.99',
      lines: [
        ['3.33', '0.30'],
        ['3.33', '0.30'],
        ['3.33', '0.30'],
      ],
      totals: ['9.99', '0.90'],
    },
  ],
  [
    'the docs’ three lines of 0.333 kg × 10.00 sent as 1 kg’s 10.00 are a TOTAL_MISMATCH',
    {
      items: [
        item('sugar#1', '0.333', '10.00', '3.33'),
        item('sugar#2', '0.333', '10.00', '3.33'),
        item('sugar#3', '0.333', '10.00', '3.33'),
      ],
      total: '10.00',
      lines: [
        ['3.33', '0.30'],
        ['3.33', '0.30'],
        ['3.33', '0.30'],
      ],
      totals: ['9.99', '0.90'],
      errors: ['total TOTAL_MISMATCH'],
    },
  ],
  [
    // 0.333 × 0.05 = 0.01665 → 0.02 each → 0.06; the rounded exact sum 0.04995 would be 0.05
    'tiny weighed lines: 3 × 0.02 = 0.06, not Окр(0.04995) = 0.05',
    {
      items: [
        item('seeds#a', '0.333', '0.05', '0.02'),
        item('seeds#b', '0.333', '0.05', '0.02'),
        item('seeds#c', '0.333', '0.05', '0.02'),
      ],
      total: '0.06',
      lines: [
        ['0.02', '0.00'],
        ['0.02', '0.00'],
        ['0.02', '0.00'],
      ],
      totals: ['0.06', '0.00'],
    },
  ],
  // ── exact half-kopeck boundaries ──────────────────────────────────────────────────────────────────────────────
  [
    // 0.125 × 0.04 = 0.005 → 0.01 and 0.375 × 0.04 = 0.015 → 0.02: an exact half rounds away from zero
    'an exact half kopeck rounds up: 0.125 × 0.04 = 0.005 → 0.01, 0.375 × 0.04 = 0.015 → 0.02',
    {
      items: [item('nails#s', '0.125', '0.04', '0.01'), item('nails#l', '0.375', '0.04', '0.02')],
      total: '0.03',
      lines: [
        ['0.01', '0.00'],
        ['0.02', '0.00'],
      ],
      totals: ['0.03', '0.00'],
    },
  ],
  [
    // 1.010 × 0.50 = 0.505 → 0.51 (a half); 1.001 × 0.50 = 0.5005 → 0.50 (below a half); VAT 0 % is 0.00
    'just at and just below half a kopeck: 0.505 → 0.51, 0.5005 → 0.50',
    {
      items: [item('bolts#a', '1.010', '0.50', '0.51'), item('bolts#b', '1.001', '0.50', '0.50')],
      total: '1.01',
      lines: [
        ['0.51', '0.00'],
        ['0.50', '0.00'],
      ],
      totals: ['1.01', '0.00'],
    },
  ],
  [
    // 1 × 0.03 = 0.03; VAT 20 %: 0.03 × 20 / 120 = 0.005 exactly → 0.01
    'a VAT share of exactly half a kopeck rounds up: 0.03 at 20 % → 0.005 → 0.01',
    { items: [item('salt', '1', '0.03', '0.03')], total: '0.03', lines: [['0.03', '0.01']], totals: ['0.03', '0.01'] },
  ],
  // ── discounts ─────────────────────────────────────────────────────────────────────────────────────────────────
  [
    // limit Окр(99.99 × 10 / 100 = 9.999) = 10.00; 89.99 × 22 = 1979.78, / 122 = 16.2277… → 16.23
    'a discount at the limit, itself rounded to kopecks (10 % of 99.99 = 9.999 → 10.00), is allowed',
    {
      items: [item('tea', '1', '99.99', '89.99', '10.00')],
      total: '89.99',
      lines: [['89.99', '16.23']],
      totals: ['89.99', '16.23'],
    },
  ],
  [
    // 89.98 × 22 = 1979.56, / 122 = 16.2259… → 16.23
    'a kopeck over the limit (10.01 > 10.00) is DISCOUNT_OVER_LIMIT; the line is still priced',
    {
      items: [item('tea', '1', '99.99', '89.98', '10.01')],
      total: '89.98',
      lines: [['89.98', '16.23']],
      totals: ['89.98', '16.23'],
      errors: ['items.0.discount DISCOUNT_OVER_LIMIT'],
    },
  ],
  [
    // limit Окр(0.05 × 10 / 100 = 0.005) = 0.01: a kopeck off a 5-kopeck line is within it
    'a half-kopeck limit rounds up: 10 % of 0.05 allows 0.01',
    {
      items: [item('gum', '1', '0.05', '0.04', '0.01')],
      total: '0.04',
      lines: [['0.04', '0.00']],
      totals: ['0.04', '0.00'],
    },
  ],
  [
    'two kopecks off 0.05 is over the 0.01 limit',
    {
      items: [item('gum', '1', '0.05', '0.03', '0.02')],
      total: '0.03',
      lines: [['0.03', '0.00']],
      totals: ['0.03', '0.00'],
      errors: ['items.0.discount DISCOUNT_OVER_LIMIT'],
    },
  ],
  [
    // gross 99.90, limit Окр(9.99) = 9.99; 89.91 × 22 = 1978.02, / 122 = 16.2132… → 16.21
    'a discount on a weighed line is limited by its rounded gross (10 % of 99.90 = 9.99)',
    {
      items: [item('apples', '0.333', '299.99', '89.91', '9.99')],
      total: '89.91',
      lines: [['89.91', '16.21']],
      totals: ['89.91', '16.21'],
    },
  ],
  [
    // 89.90 × 22 = 1977.8, / 122 = 16.2114… → 16.21
    'a kopeck over 10 % of 99.90 is DISCOUNT_OVER_LIMIT',
    {
      items: [item('apples', '0.333', '299.99', '89.90', '10.00')],
      total: '89.90',
      lines: [['89.90', '16.21']],
      totals: ['89.90', '16.21'],
      errors: ['items.0.discount DISCOUNT_OVER_LIMIT'],
    },
  ],
  [
    // limit 0 % of 99.99 = 0.00; 99.98 × 22 = 2199.56, / 122 = 18.0291… → 18.03
    'with a limit of 0 % any discount is over it',
    {
      items: [item('tea', '1', '99.99', '99.98', '0.01')],
      total: '99.98',
      policy: { discountLimitPercent: 0 },
      lines: [['99.98', '18.03']],
      totals: ['99.98', '18.03'],
      errors: ['items.0.discount DISCOUNT_OVER_LIMIT'],
    },
  ],
  [
    // 94.99 × 22 = 2089.78, / 122 = 17.1293… → 17.13
    'a discount without a reason is DISCOUNT_REASON_REQUIRED',
    {
      items: [item('tea', '1', '99.99', '94.99', '5.00')],
      total: '94.99',
      policy: { discountReason: null },
      lines: [['94.99', '17.13']],
      totals: ['94.99', '17.13'],
      errors: ['items.0.discount DISCOUNT_REASON_REQUIRED'],
    },
  ],
  [
    // 79.99 × 22 = 1759.78, / 122 = 14.4244… → 14.42
    'a discount without a reason and over the limit breaks both rules',
    {
      items: [item('tea', '1', '99.99', '79.99', '20.00')],
      total: '79.99',
      policy: { discountReason: null },
      lines: [['79.99', '14.42']],
      totals: ['79.99', '14.42'],
      errors: ['items.0.discount DISCOUNT_REASON_REQUIRED', 'items.0.discount DISCOUNT_OVER_LIMIT'],
    },
  ],
  [
    // 99.99 × 22 = 2199.78, / 122 = 18.0309… → 18.03
    'a zero discount needs no reason',
    {
      items: [item('tea', '1', '99.99', '99.99', '0')],
      total: '99.99',
      policy: { discountReason: null },
      lines: [['99.99', '18.03']],
      totals: ['99.99', '18.03'],
    },
  ],
  // ── the mirror's terms ────────────────────────────────────────────────────────────────────────────────────────
  [
    // priced at the courier's 99.00: 99.00 × 22 = 2178, / 122 = 17.8524… → 17.85
    'a price other than the mirror’s is PRICE_MISMATCH',
    {
      items: [item('tea', '1', '99.00', '99.00')],
      total: '99.00',
      lines: [['99.00', '17.85']],
      totals: ['99.00', '17.85'],
      errors: ['items.0.price PRICE_MISMATCH'],
    },
  ],
  [
    'the mirror’s price written with a trailing zero (99.990) is the same price',
    {
      items: [item('tea', '1', '99.990', '99.99')],
      total: '99.99',
      lines: [['99.99', '18.03']],
      totals: ['99.99', '18.03'],
    },
  ],
  [
    // 2 × 50.00 = 100.00; 100 × 22 / 122 = 18.0327… → 18.03
    'an offer 1C sent no price for is NO_PRICE',
    {
      items: [item('unpriced', '2', '50.00', '100.00')],
      total: '100.00',
      lines: [['100.00', '18.03']],
      totals: ['100.00', '18.03'],
      errors: ['items.0.price NO_PRICE'],
    },
  ],
  [
    'an offer the mirror does not hold is UNKNOWN_PRODUCT, and the total is then not checked',
    {
      items: [item('ghost', '1', '10.00', '10.00'), item('apples#blue', '1', '299.99', '299.99'), APPLES_THIRD],
      total: '999.99',
      lines: [['99.90', APPLES_THIRD_VAT]],
      totals: ['99.90', APPLES_THIRD_VAT],
      errors: ['items.0.productId UNKNOWN_PRODUCT', 'items.1.productId UNKNOWN_PRODUCT'],
    },
  ],
  // ── quantities ────────────────────────────────────────────────────────────────────────────────────────────────
  [
    // 1.5 × 100.00 = 150.00; 150 × 22 / 122 = 27.0491… → 27.05
    'a fractional quantity of a piece unit (796) is WHOLE_UNITS_ONLY',
    {
      items: [item('water', '1.5', '100.00', '150.00')],
      total: '150.00',
      lines: [['150.00', '27.05']],
      totals: ['150.00', '27.05'],
      errors: ['items.0.quantity WHOLE_UNITS_ONLY'],
    },
  ],
  [
    // 2 × 100.00 = 200.00; 200 × 22 / 122 = 36.0655… → 36.07
    'a whole quantity of a piece unit written with places (2.000) is allowed',
    {
      items: [item('water', '2.000', '100.00', '200.00')],
      total: '200.00',
      lines: [['200.00', '36.07']],
      totals: ['200.00', '36.07'],
    },
  ],
  [
    // 0.5 × 12.50 = 6.25; no VAT rate → 0.00
    'a unit the mirror does not name is sold by measure, and no VAT rate means no VAT',
    {
      items: [item('cable', '0.5', '12.50', '6.25')],
      total: '6.25',
      lines: [['6.25', '0.00']],
      totals: ['6.25', '0.00'],
    },
  ],
  [
    'an offer on two lines is DUPLICATE_LINE; the second is not priced and the total is not checked',
    {
      items: [APPLES_THIRD, APPLES_THIRD],
      total: '199.80',
      lines: [['99.90', APPLES_THIRD_VAT]],
      totals: ['99.90', APPLES_THIRD_VAT],
      errors: ['items.1.productId DUPLICATE_LINE'],
    },
  ],
  // ── amounts ───────────────────────────────────────────────────────────────────────────────────────────────────
  [
    'a line amount truncated instead of rounded (99.89) is AMOUNT_MISMATCH; the total of the lines is 99.90',
    {
      items: [item('apples', '0.333', '299.99', '99.89')],
      total: '99.90',
      lines: [['99.90', APPLES_THIRD_VAT]],
      totals: ['99.90', APPLES_THIRD_VAT],
      errors: ['items.0.amount AMOUNT_MISMATCH'],
    },
  ],
  [
    'a line amount that forgets the discount is AMOUNT_MISMATCH',
    {
      items: [item('tea', '1', '99.99', '99.99', '10.00')],
      total: '89.99',
      lines: [['89.99', '16.23']],
      totals: ['89.99', '16.23'],
      errors: ['items.0.amount AMOUNT_MISMATCH'],
    },
  ],
  [
    // A line with a wrong amount is still priced (the rule's figure), so the total is checked against the lines
    'a wrong amount and a total that adds the wrong amounts: both are reported, the total against 99.90',
    {
      items: [item('apples', '0.333', '299.99', '99.89')],
      total: '99.89',
      lines: [['99.90', APPLES_THIRD_VAT]],
      totals: ['99.90', APPLES_THIRD_VAT],
      errors: ['items.0.amount AMOUNT_MISMATCH', 'total TOTAL_MISMATCH'],
    },
  ],
  // ── decimals and ranges ───────────────────────────────────────────────────────────────────────────────────────
  [
    'more places than the scale is INVALID_DECIMAL (a gram’s tenth, a tenth of a kopeck); the total is not checked',
    {
      items: [
        item('apples', '0.3333', '299.99', '99.90'),
        item('tea', '1', '99.995', '99.99'),
        item('apples#red', '0.333', '299.99', '99.90'),
      ],
      total: '1.00',
      lines: [['99.90', APPLES_THIRD_VAT]],
      totals: ['99.90', APPLES_THIRD_VAT],
      errors: ['items.0.quantity INVALID_DECIMAL', 'items.1.price INVALID_DECIMAL'],
    },
  ],
  [
    'text that is no decimal is INVALID_DECIMAL, a negative discount OUT_OF_RANGE',
    {
      items: [item('apples', '1,5', '2e2', 'abc', '-1')],
      total: '0',
      lines: [],
      totals: ['0.00', '0.00'],
      errors: [
        'items.0.quantity INVALID_DECIMAL',
        'items.0.price INVALID_DECIMAL',
        'items.0.discount OUT_OF_RANGE',
        'items.0.amount INVALID_DECIMAL',
      ],
    },
  ],
  [
    'a zero or negative quantity, a zero price and a negative amount are OUT_OF_RANGE; other lines are still priced',
    {
      items: [
        item('apples#red', '0', '299.99', '0.00'),
        item('apples#green', '-0.333', '299.99', '99.90'),
        item('apples#gold', '0.333', '0', '0.00'),
        item('tea', '1', '99.99', '-99.99'),
        item('water', '0.000', '100.00', '0'),
        APPLES_THIRD,
      ],
      total: '99.90',
      lines: [['99.90', APPLES_THIRD_VAT]],
      totals: ['99.90', APPLES_THIRD_VAT],
      errors: [
        'items.0.quantity OUT_OF_RANGE',
        'items.1.quantity OUT_OF_RANGE',
        'items.2.price OUT_OF_RANGE',
        'items.3.amount OUT_OF_RANGE',
        'items.4.quantity OUT_OF_RANGE',
      ],
    },
  ],
  [
    'a broken quantity does not spare the other rules of the line, but the line is not priced',
    {
      items: [item('tea', 'x', '1.00', '1.00'), item('ghost', '0', '1.00', '0.00')],
      total: '5.00',
      lines: [],
      totals: ['0.00', '0.00'],
      errors: [
        'items.0.quantity INVALID_DECIMAL',
        'items.0.price PRICE_MISMATCH',
        'items.1.quantity OUT_OF_RANGE',
        'items.1.productId UNKNOWN_PRODUCT',
      ],
    },
  ],
  [
    'an invalid total is INVALID_DECIMAL on total',
    {
      items: [APPLES_THIRD],
      total: '99.9O',
      lines: [['99.90', APPLES_THIRD_VAT]],
      totals: ['99.90', APPLES_THIRD_VAT],
      errors: ['total INVALID_DECIMAL'],
    },
  ],
  [
    'a total with a tenth of a kopeck is INVALID_DECIMAL, not rounded',
    {
      items: [APPLES_THIRD],
      total: '99.899',
      lines: [['99.90', APPLES_THIRD_VAT]],
      totals: ['99.90', APPLES_THIRD_VAT],
      errors: ['total INVALID_DECIMAL'],
    },
  ],
  [
    'a negative total is OUT_OF_RANGE',
    {
      items: [APPLES_THIRD],
      total: '-99.90',
      lines: [['99.90', APPLES_THIRD_VAT]],
      totals: ['99.90', APPLES_THIRD_VAT],
      errors: ['total OUT_OF_RANGE'],
    },
  ],
];

describe('priceOrder, case by case', () => {
  it.each(CASES)('%s', (_name, { items, total, policy, lines, totals, errors = [] }) => {
    const priced = priceOrder(items, total, CATALOGUE, { ...POLICY, ...policy });

    expect(priced.lines.map(({ amount, vatAmount }) => [amount, vatAmount])).toEqual(lines);
    expect([priced.total, priced.vatTotal]).toEqual(totals);
    expect(rules(priced.errors)).toEqual(errors);
    for (const { message } of priced.errors) {
      expect(message).toMatch(/^[A-Z_]+: \S/);
    }
  });
});

/**
 * The included VAT of a single line `1 × amount` at each of the mirror's rate codes.
 *
 * At 22 % no amount in kopecks has a VAT of exactly half a kopeck: in kopecks it is a × 22 / 122 = 11a / 61, and
 * 11a / 61 = k + ½ needs 22a = 61 (2k + 1), i.e. 61 | a and then 22a / 61 even: impossible (the same for 10 %: a / 11,
 * and 7 %: 7a / 107). The nearest are a = 25 (11 × 25 = 275 = 4 × 61 + 31: 4.508… kopecks) and a = 36
 * (396 = 6 × 61 + 30: 6.491… kopecks). At 20 % (a / 6 kopecks) an odd multiple of 3 kopecks is an exact half.
 */
const VAT_CASES: [string | null, string, string][] = [
  ['22', '100.00', '18.03'], // 2200 / 122 = 18.0327…
  ['22/122', '100.00', '18.03'],
  ['22', '99.80', '18.00'], // the docs' example: 2195.6 / 122 = 17.9967…
  ['22', '0.61', '0.11'], // 13.42 / 122 = 0.11 exactly
  ['22', '0.25', '0.05'], // 5.5 / 122 = 0.045081… (third place 5, then 08…: up)
  ['22/122', '0.36', '0.06'], // 7.92 / 122 = 0.064918… (down)
  ['20', '100.00', '16.67'], // 100 / 6 = 16.666…
  ['20/120', '100.00', '16.67'],
  ['20', '0.03', '0.01'], // 0.6 / 120 = 0.005 exactly: half away from zero
  ['20/120', '0.09', '0.02'], // 1.8 / 120 = 0.015 exactly
  ['20', '0.01', '0.00'], // 0.2 / 120 = 0.00166…
  ['10', '100.00', '9.09'], // 100 / 11 = 9.0909…
  ['10/110', '100.00', '9.09'],
  ['10', '0.05', '0.00'], // 0.05 / 11 = 0.004545…
  ['10/110', '0.06', '0.01'], // 0.06 / 11 = 0.005454…
  ['7', '100.00', '6.54'], // 700 / 107 = 6.5420…
  ['7', '0.84', '0.05'], // 5.88 / 107 = 0.054953…
  ['7/107', '0.23', '0.02'], // 1.61 / 107 = 0.015046…
  ['5', '100.00', '4.76'], // 500 / 105 = 4.7619…
  ['5/105', '0.21', '0.01'], // 1.05 / 105 = 0.01 exactly
  ['0', '100.00', '0.00'],
  ['without', '100.00', '0.00'],
  [null, '100.00', '0.00'],
];

describe('the included VAT of a line at each rate', () => {
  it.each(VAT_CASES)('rate %s on %s is %s', (vatRate, amount, vat) => {
    const mirror = new Map([['offer', terms('Товар', amount, '796', vatRate)]]);
    const priced = priceOrder([item('offer', '1', amount, amount)], amount, mirror, POLICY);

    expect(priced.errors).toEqual([]);
    expect(priced.lines.map(({ amount: lineAmount, vatAmount }) => [lineAmount, vatAmount])).toEqual([[amount, vat]]);
    expect([priced.total, priced.vatTotal]).toEqual([amount, vat]);
  });
});

describe('priceOrder, the lines and messages it returns', () => {
  it('keeps what 1C needs from the mirror on each line, in canonical decimals', () => {
    const priced = priceOrder(
      [item('tea', '1', '99.99', '89.99', '10.00'), item('apples#red', '0.3330', '299.99', '99.9')],
      '189.89', // 89.99 + 99.90
      CATALOGUE,
      POLICY,
    );

    expect(priced).toEqual({
      errors: [],
      lines: [
        {
          lineNo: 1,
          productId: 'tea',
          characteristicId: null,
          quantity: '1.000',
          price: '99.99',
          discount: '10.00',
          amount: '89.99',
          name: 'Чай',
          unitCode: '796',
          vatRate: '22',
          vatAmount: '16.23',
        },
        {
          lineNo: 2,
          productId: 'apples',
          characteristicId: 'red',
          quantity: '0.333',
          price: '299.99',
          discount: null,
          amount: '99.90',
          name: 'Яблоки красные',
          unitCode: '166',
          vatRate: '22',
          vatAmount: '18.01',
        },
      ],
      total: '189.89',
      vatTotal: '34.24', // 16.23 + 18.01
    });
  });

  it('says why, after the rule', () => {
    const message = (items: OrderLineInput[], total: string, policy: Partial<PricingPolicy> = {}) =>
      priceOrder(items, total, CATALOGUE, { ...POLICY, ...policy }).errors.map((error) => error.message);

    expect(message([item('tea', '1', '99.99', '89.98', '10.01')], '89.98')).toEqual([
      'DISCOUNT_OVER_LIMIT: at most 10.00 (10 % of 99.99)',
    ]);
    expect(message([item('tea', '1', '99.99', '94.99', '5.00')], '94.99', { discountReason: null })).toEqual([
      'DISCOUNT_REASON_REQUIRED: a discount needs discountReason',
    ]);
    expect(message([item('tea', '1', '99.00', '99.00')], '99.00')).toEqual([
      'PRICE_MISMATCH: the price list says 99.99, not 99.00',
    ]);
    expect(message([item('unpriced', '1', '1.00', '1.00')], '1.00')).toEqual([
      'NO_PRICE: 1C sent no price of this price type for unpriced',
    ]);
    expect(message([item('apples#blue', '1', '1.00', '1.00')], '1.00')).toEqual([
      'UNKNOWN_PRODUCT: the mirror holds no product apples#blue in use',
    ]);
    expect(message([item('water', '0.5', '100.00', '50.00')], '50.00')).toEqual([
      'WHOLE_UNITS_ONLY: Вода is sold by the piece',
    ]);
    expect(message([APPLES_THIRD, APPLES_THIRD], '99.90')).toEqual([
      'DUPLICATE_LINE: apples is on an earlier line: one line per offer',
    ]);
    expect(message([item('apples', '0.333', '299.99', '99.89')], '99.90')).toEqual([
      'AMOUNT_MISMATCH: quantity × price less discount is 99.90',
    ]);
    expect(message([APPLES_THIRD], '100.00')).toEqual(['TOTAL_MISMATCH: the lines add up to 99.90']);
    expect(message([item('apples', '0.3333', '299.99', '99.90')], '99.90')).toEqual([
      'INVALID_DECIMAL: "0.3333" is not a decimal with at most 3 places',
    ]);
    expect(message([item('apples', '0', '299.99', '0.00', '-0.01')], '0')).toEqual([
      'OUT_OF_RANGE: must be above zero',
      'OUT_OF_RANGE: must be at least zero',
    ]);
  });

  it('prices an empty sale at zero', () => {
    expect(priceOrder([], '0', CATALOGUE, POLICY)).toEqual({ errors: [], lines: [], total: '0.00', vatTotal: '0.00' });
    expect(rules(priceOrder([], '0.01', CATALOGUE, POLICY).errors)).toEqual(['total TOTAL_MISMATCH']);
  });
});

describe('vatPercent', () => {
  it.each([
    ['22', 22n],
    ['22/122', 22n],
    ['20/120', 20n],
    ['10', 10n],
    ['10/110', 10n],
    ['7/107', 7n],
    ['5', 5n],
    ['0', 0n],
    ['without', null],
    [null, null],
    ['', null],
    ['22%', null],
    ['/122', null],
  ])('%s → %s', (rate, percent) => {
    expect(vatPercent(rate)).toBe(percent);
  });
});
