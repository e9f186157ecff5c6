import type { FaultRule, FaultSpec, ScriptedFault } from './types';

/** mulberry32: tiny, seedable, good enough for reproducible fault draws and tokens. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  string(length: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'): string {
    let out = '';
    for (let i = 0; i < length; i++) {
      out += alphabet[Math.floor(this.next() * alphabet.length)];
    }
    return out;
  }
}

export class FaultPlan {
  private rules: FaultRule[] = [];
  private scripted: Array<ScriptedFault & { count: number }> = [];
  private rng: Rng;

  constructor(seed: number) {
    this.rng = new Rng(seed);
  }

  set(rules: FaultRule[], seed?: number): void {
    this.rules = [...rules];
    if (seed !== undefined) {
      this.rng = new Rng(seed);
    }
  }

  script(fault: ScriptedFault): void {
    this.scripted.push({ ...fault, count: fault.count ?? 1 });
  }

  clear(): void {
    this.rules = [];
    this.scripted = [];
  }

  /** The fault for this call, if any: scripted ones first, then one draw per matching rule. */
  pick(method: string): FaultSpec | undefined {
    const scripted = this.scripted.find((fault) => matches(fault.method, method));
    if (scripted) {
      scripted.count -= 1;
      if (scripted.count <= 0) {
        this.scripted.splice(this.scripted.indexOf(scripted), 1);
      }
      return scripted;
    }
    return this.rules.find((rule) => matches(rule.method, method) && this.rng.next() < rule.probability);
  }
}

function matches(pattern: string, method: string): boolean {
  return pattern === '*' || pattern.toLowerCase() === method;
}
