const DECIMAL_TEXT = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * An exact decimal for money and quantities: an integer count of 10^-scale units, so kopecks and grams add up
 * exactly where a JS number would drift (0.1 + 0.2). Values cross the wire and the database as decimal strings;
 * this type is only for the arithmetic in between.
 *
 * Rounding (only {@link times} rounds): half away from zero, as 1C's `Окр(x, n)` does by default
 * (`РежимОкругления.Окр15как20`): 0.005 → 0.01, −0.005 → −0.01.
 */
export class ExactDecimal {
  private constructor(
    readonly units: bigint,
    readonly scale: number,
  ) {}

  /**
   * Parses `"12.5"` at `scale` 2 as 12.50. More significant places than `scale` is an error, never a silent
   * rounding: a price of 12.505 is a client mistake to report, not a kopeck to invent.
   */
  static parse(text: string, scale: number): ExactDecimal {
    const match = DECIMAL_TEXT.exec(text.trim());
    if (!match) {
      throw new RangeError(`"${text}" is not a decimal number`);
    }
    const [, minus, whole, fraction = ''] = match;
    const significant = fraction.replace(/0+$/, '');
    if (significant.length > scale) {
      throw new RangeError(`"${text}" has more than ${scale} decimal places`);
    }
    const units = BigInt(whole + significant.padEnd(scale, '0'));
    return new ExactDecimal(minus ? -units : units, scale);
  }

  /** Whether `text` parses at `scale` (see {@link parse}). */
  static fits(text: string, scale: number): boolean {
    const match = DECIMAL_TEXT.exec(text.trim());
    return match !== null && (match[3] ?? '').replace(/0+$/, '').length <= scale;
  }

  static zero(scale: number): ExactDecimal {
    return new ExactDecimal(0n, scale);
  }

  static sum(values: readonly ExactDecimal[], scale: number): ExactDecimal {
    return values.reduce((total, value) => total.plus(value), ExactDecimal.zero(scale));
  }

  /** Exact: the result keeps the larger scale of the two. */
  plus(other: ExactDecimal): ExactDecimal {
    const scale = Math.max(this.scale, other.scale);
    return new ExactDecimal(this.rescaled(scale) + other.rescaled(scale), scale);
  }

  minus(other: ExactDecimal): ExactDecimal {
    return this.plus(other.negated());
  }

  negated(): ExactDecimal {
    return new ExactDecimal(-this.units, this.scale);
  }

  /** The product rounded half away from zero to `scale` places (a line amount: quantity × price to kopecks). */
  times(other: ExactDecimal, scale: number): ExactDecimal {
    const exact = this.units * other.units;
    const drop = this.scale + other.scale - scale;
    if (drop <= 0) {
      return new ExactDecimal(exact * 10n ** BigInt(-drop), scale);
    }
    const divisor = 10n ** BigInt(drop);
    const magnitude = exact < 0n ? -exact : exact;
    const rounded = (magnitude + divisor / 2n) / divisor;
    return new ExactDecimal(exact < 0n ? -rounded : rounded, scale);
  }

  /**
   * This value × `numerator` / `denominator`, rounded half away from zero to `scale` places: a share of an amount,
   * such as the VAT included in it (× 22 / 122) or a percentage limit (× 10 / 100).
   */
  share(numerator: bigint, denominator: bigint, scale: number): ExactDecimal {
    if (denominator <= 0n) {
      throw new RangeError('the denominator of a share must be positive');
    }
    const lift = scale - this.scale;
    const exact = this.units * numerator * (lift > 0 ? 10n ** BigInt(lift) : 1n);
    const divisor = denominator * (lift < 0 ? 10n ** BigInt(-lift) : 1n);
    const magnitude = exact < 0n ? -exact : exact;
    const rounded = (2n * magnitude + divisor) / (2n * divisor);
    return new ExactDecimal(exact < 0n ? -rounded : rounded, scale);
  }

  compare(other: ExactDecimal): -1 | 0 | 1 {
    const scale = Math.max(this.scale, other.scale);
    const left = this.rescaled(scale);
    const right = other.rescaled(scale);
    return left < right ? -1 : left > right ? 1 : 0;
  }

  equals(other: ExactDecimal): boolean {
    return this.compare(other) === 0;
  }

  isNegative(): boolean {
    return this.units < 0n;
  }

  isZero(): boolean {
    return this.units === 0n;
  }

  /** The canonical string with exactly `scale` places: `12.50`, `-0.005`, `7`. */
  toString(): string {
    const magnitude = (this.units < 0n ? -this.units : this.units).toString().padStart(this.scale + 1, '0');
    const sign = this.units < 0n ? '-' : '';
    if (this.scale === 0) {
      return `${sign}${magnitude}`;
    }
    return `${sign}${magnitude.slice(0, -this.scale)}.${magnitude.slice(-this.scale)}`;
  }

  toJSON(): string {
    return this.toString();
  }

  private rescaled(scale: number): bigint {
    return this.units * 10n ** BigInt(scale - this.scale);
  }
}
