import "server-only";

/**
 * A fixed-window counter per key, in this process's memory. With N instances behind a load
 * balancer each instance counts on its own, so the effective limit is at most N times this one.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Counts one hit for `key`; returns how long to wait when over the limit, else null. */
  hit(key: string): { retryAfterSeconds: number } | null {
    const t = this.clock();
    let w = this.windows.get(key);
    if (!w || t - w.start >= this.windowMs) {
      if (this.windows.size > 10_000) this.sweep(t);
      w = { start: t, count: 0 };
      this.windows.set(key, w);
    }
    w.count += 1;
    if (w.count <= this.limit) return null;
    return { retryAfterSeconds: Math.max(1, Math.ceil((w.start + this.windowMs - t) / 1000)) };
  }

  /** Whether `key` is over the limit now, without counting a hit. */
  blocked(key: string): { retryAfterSeconds: number } | null {
    const t = this.clock();
    const w = this.windows.get(key);
    if (!w || t - w.start >= this.windowMs || w.count < this.limit) return null;
    return { retryAfterSeconds: Math.max(1, Math.ceil((w.start + this.windowMs - t) / 1000)) };
  }

  /**
   * Counts one hit for `key` ahead of the thing it limits: null with the wait when over the limit
   * (nothing counted then), else the reservation's `giveBack` for when the thing did not happen. A
   * reservation belongs to its window: one given back after that window ended changes nothing.
   */
  reserve(key: string): { retryAfterSeconds: number } | { giveBack: () => void } {
    const over = this.hit(key);
    const w = this.windows.get(key)!;
    const giveBack = () => {
      if (this.windows.get(key) === w && w.count > 0) w.count -= 1;
    };
    if (over) {
      giveBack();
      return over;
    }
    return { giveBack };
  }

  /** Forgets `key` (e.g. after a successful sign-in). */
  reset(key: string): void {
    this.windows.delete(key);
  }

  private sweep(t: number) {
    for (const [k, w] of this.windows) if (t - w.start >= this.windowMs) this.windows.delete(k);
  }
}

/** The limits Ticket Hub applies; each answer over the limit is a 429 with Retry-After (sign-ins: sign-in-limiter.ts). */
export const limits = {
  /** Manual refreshes per user. */
  refresh: new RateLimiter(30, 60_000),
  /** NONCE tickets issued per user. */
  nonce: new RateLimiter(30, 60_000),
  /** Vendor calls caused by consumers' reports of a refused value, per API key (joins cost nothing and are not counted). */
  refused: new RateLimiter(30, 60_000),
  /** Proxy calls per client address. */
  proxy: new RateLimiter(1200, 60_000),
};
