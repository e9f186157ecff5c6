/**
 * An ordered PHP array. Bitrix24 answers are `json_encode`d PHP arrays, so their shape depends on the keys:
 * an array whose keys are exactly 0..n-1 (numeric-string keys count as integers) becomes a JSON list, anything
 * else an object, and an empty one is `[]` (protocol doc §2.5, fixtures `crm_get_batch_mix_success_and_errors.json`
 * and `crm_dealcategory_stage_list_batch_of_one.json`).
 */
export class PhpArray<V = unknown> {
  private readonly entries = new Map<string, V>();

  set(key: string | number, value: V): this {
    this.entries.set(String(key), value);
    return this;
  }

  get(key: string | number): V | undefined {
    return this.entries.get(String(key));
  }

  get size(): number {
    return this.entries.size;
  }

  toJSON(): V[] | Record<string, V> {
    if ([...this.entries.keys()].every((key, index) => key === String(index))) {
      return [...this.entries.values()];
    }
    return Object.fromEntries(this.entries);
  }
}
