import "server-only";
import { RateLimiter } from "./rate-limit";

/**
 * The sign-in policy. The unit that is slowed down is an address + username pair, never a username
 * alone: a lock per username lets anyone keep its owner (or the only admin) out with a few requests
 * per window, from addresses that need not even be real.
 */
export type SignInPolicy = {
  attemptsPerAddress: { limit: number; windowMs: number };
  freeFailures: number;
  baseDelayMs: number;
  maxDelayMs: number;
  forgetAfterMs: number;
  failuresPerAddress: { limit: number; windowMs: number };
  attack: { addresses: number; windowMs: number };
  maxEntries: number;
};

export const SIGN_IN_POLICY: Readonly<SignInPolicy> = {
  /** Attempts per address, right or wrong, before any hashing: bounds the scrypt work one address causes. */
  attemptsPerAddress: { limit: 20, windowMs: 60_000 },
  /** Failures per address + username that cost nothing (typos, a forgotten caps lock). */
  freeFailures: 5,
  /** After the free ones, each failure makes the pair wait base · 2^(failures − free), up to the cap. */
  baseDelayMs: 5_000,
  maxDelayMs: 15 * 60_000,
  /** A pair with no failure for this long starts afresh. */
  forgetAfterMs: 60 * 60_000,
  /** Failures per address, any username (password spraying), before that address waits out the window. */
  failuresPerAddress: { limit: 30, windowMs: 15 * 60_000 },
  /** This many addresses failing for one username in the window is an attack: audited once per window. */
  attack: { addresses: 10, windowMs: 15 * 60_000 },
  /** Entries kept per table; the oldest go first (addresses can be made up, memory cannot). */
  maxEntries: 50_000,
};

export type Refusal = { retryAfterSeconds: number; reason: "address-rate" | "address-failures" | "pair-delay" };
export type Attack = { username: string; addresses: number; failures: number; windowMinutes: number };

type Pair = { failures: number; lastFailure: number; waitUntil: number };
type Target = { start: number; failures: number; addresses: Set<string>; reported: boolean };

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** Deletes the oldest entries (Map keeps insertion order) once a table is over its size. */
function trim<V>(map: Map<string, V>, max: number) {
  if (map.size <= max) return;
  for (const k of map.keys()) {
    map.delete(k);
    if (map.size <= max) return;
  }
}

/**
 * Decides, per sign-in attempt, whether to check the password at all, and records the outcome.
 * Pure bookkeeping with an injected clock; one instance per process (see `signInLimiter`).
 */
export class SignInLimiter {
  private readonly attempts: RateLimiter;
  private readonly addressFailures: RateLimiter;
  private readonly pairs = new Map<string, Pair>();
  private readonly targets = new Map<string, Target>();

  constructor(
    readonly policy: SignInPolicy = SIGN_IN_POLICY,
    private readonly clock: () => number = Date.now,
  ) {
    this.attempts = new RateLimiter(policy.attemptsPerAddress.limit, policy.attemptsPerAddress.windowMs, clock);
    this.addressFailures = new RateLimiter(policy.failuresPerAddress.limit, policy.failuresPerAddress.windowMs, clock);
  }

  /**
   * Called before the password is hashed; counts the attempt. Null: go ahead. Otherwise the answer
   * is a 429 for this address only; the same username from any other address is unaffected.
   */
  admit(address: string, username: string): Refusal | null {
    const overRate = this.attempts.hit(address);
    if (overRate) return { ...overRate, reason: "address-rate" };
    const spraying = this.addressFailures.blocked(address);
    if (spraying) return { ...spraying, reason: "address-failures" };
    const pair = this.pair(address, username);
    const t = this.clock();
    if (pair && pair.waitUntil > t) return { retryAfterSeconds: seconds(pair.waitUntil - t), reason: "pair-delay" };
    return null;
  }

  /** Records a wrong password; returns the attack on this username when it first passes the threshold in its window. */
  fail(address: string, username: string): Attack | null {
    const p = this.policy;
    const t = this.clock();
    this.addressFailures.hit(address);

    const key = `${username}|${address}`;
    const pair = this.pair(address, username) ?? { failures: 0, lastFailure: t, waitUntil: 0 };
    pair.failures += 1;
    pair.lastFailure = t;
    const over = pair.failures - p.freeFailures;
    pair.waitUntil = over >= 0 ? t + Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** Math.min(over, 30)) : 0;
    this.pairs.delete(key);
    this.pairs.set(key, pair);
    trim(this.pairs, p.maxEntries);

    let target = this.targets.get(username);
    if (!target || t - target.start >= p.attack.windowMs) {
      target = { start: t, failures: 0, addresses: new Set(), reported: false };
      this.targets.delete(username);
      this.targets.set(username, target);
      trim(this.targets, p.maxEntries);
    }
    target.failures += 1;
    // Only the count matters past the threshold, so the set stops growing there.
    if (target.addresses.size < p.attack.addresses) target.addresses.add(address);
    if (target.reported || target.addresses.size < p.attack.addresses) return null;
    target.reported = true;
    return { username, addresses: target.addresses.size, failures: target.failures, windowMinutes: p.attack.windowMs / 60_000 };
  }

  /** A right password: this pair starts afresh (other addresses' failures for the username stay). */
  succeed(address: string, username: string): void {
    this.pairs.delete(`${username}|${address}`);
  }

  private pair(address: string, username: string): Pair | null {
    const key = `${username}|${address}`;
    const pair = this.pairs.get(key);
    if (!pair) return null;
    if (this.clock() - pair.lastFailure >= this.policy.forgetAfterMs) {
      this.pairs.delete(key);
      return null;
    }
    return pair;
  }
}

/** The process's sign-in limiter. Per instance: with N instances an address gets up to N times the allowance. */
export const signInLimiter = new SignInLimiter();
