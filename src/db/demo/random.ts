import { createHash } from 'node:crypto';
import { newSid, type SidPrefix } from '../../domain/sids.js';

const SEED_LABEL = 'bindings-gateway/demo-seed/v1';

/** "Now" for the demo data: dates spread over the two years before it. */
export const DEMO_REFERENCE_DATE = new Date('2026-11-01T00:00:00Z');

export const DAY_MS = 86_400_000;

// Deterministic randomness: SHA-256 in counter mode over a label, so each
// stream is independent of the others and SIDs cannot collide across streams.

export class DemoRandom {
  private counter = 0;
  private block = Buffer.alloc(0);
  private pos = 0;

  constructor(private readonly label: string) {}

  bytes(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      if (this.pos === this.block.length) {
        this.block = createHash('sha256')
          .update(`${SEED_LABEL}|${this.label}|${this.counter++}`)
          .digest();
        this.pos = 0;
      }
      const take = Math.min(n - filled, this.block.length - this.pos);
      this.block.copy(out, filled, this.pos, this.pos + take);
      this.pos += take;
      filled += take;
    }
    return out;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.bytes(4).readUInt32BE(0) / 2 ** 32;
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)] as T;
  }

  weighted<T>(choices: ReadonlyArray<readonly [T, number]>): T {
    const total = choices.reduce((sum, [, w]) => sum + w, 0);
    let r = this.float() * total;
    for (const [value, weight] of choices) {
      r -= weight;
      if (r < 0) return value;
    }
    return choices[choices.length - 1]![0];
  }

  sid(prefix: SidPrefix): string {
    return newSid(prefix, () => this.bytes(16));
  }
}

/** A SID that depends only on its label: the demo's fixed, well-known SIDs. */
export function fixedSid(prefix: SidPrefix, label: string): string {
  return new DemoRandom(`sid:${label}`).sid(prefix);
}

/** Whole seconds, as Twilio reports dates. */
export function at(ms: number): Date {
  return new Date(Math.floor(ms / 1000) * 1000);
}

export function daysAgo(days: number): Date {
  return at(DEMO_REFERENCE_DATE.getTime() - days * DAY_MS);
}
