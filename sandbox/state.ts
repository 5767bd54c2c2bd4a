// State of the vendor sandbox: registered apps, issued credentials, counters, injected faults and
// the sandbox's own clock. Nothing here is shared with Ticket Hub. What a vendor would remember
// across a restart (apps, issued values, quotas, its clock) can be saved and loaded (sandbox/persist.ts).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { vendorDay } from "../lib/vendor-day";

const vendorSchema = z.enum(["wechat", "feishu", "faceid", "yzb"]);
export type Vendor = z.infer<typeof vendorSchema>;

const issuedSchema = z.object({
  vendor: vendorSchema,
  issuedAt: z.number().optional(),
  appId: z.string(),
  kind: z.string(),
  expiresAt: z.number(),
  /** For tickets: the digest of the token they were fetched with. */
  tokenDigest: z.string().optional(),
  /** FaceID: "access_token 失效时，该 access_token 生成的 ticket 都失效". */
  diesWithToken: z.boolean().optional(),
  /** FaceID NONCE tickets are single use. */
  used: z.boolean().optional(),
  secretEpoch: z.number(),
});
export type Issued = z.infer<typeof issuedSchema>;

const appSchema = z.object({ secretDigest: z.string(), epoch: z.number() });
export type App = z.infer<typeof appSchema>;

/** The sandbox's saved state (SANDBOX_STATE_FILE): digests and times only, no plaintext values. */
export const savedStateSchema = z.object({
  version: z.literal(1),
  savedAt: z.object({ sim: z.number(), real: z.number() }),
  clockOffsetMs: z.number(),
  digestKey: z.string().min(1),
  apps: z.record(z.string(), appSchema),
  issued: z.record(z.string(), issuedSchema),
  quotaUsed: z.record(z.string(), z.number()),
  lastForce: z.record(z.string(), z.number()),
});
export type SavedState = z.infer<typeof savedStateSchema>;

export const FAULT_MODES = [
  "busy",
  "invalid-credential",
  "quota",
  "rate-limited",
  "bad-config",
  "http-500",
  "timeout",
  "malformed",
  "wrong-content-type",
  "string-numbers",
] as const;
export type FaultMode = (typeof FAULT_MODES)[number];
export type Fault = { mode: FaultMode | null; latencyMs: number; remaining: number | null };

export class SandboxState {
  /**
   * Keys the digests below. Issued values and secrets are kept as digests only, so the saved state
   * holds no plaintext token, ticket or secret (the e2e leak sweep searches it). The key is saved
   * beside them: it keeps nothing secret from a reader of the file, it only makes these digests
   * match nothing computed elsewhere (Ticket Hub keeps its own hashes of the same tokens).
   */
  digestKey = randomBytes(32);
  apps = new Map<string, App>();
  /** What this sandbox issued, by digest of the value. */
  issued = new Map<string, Issued>();
  /** The values themselves, for those issued since this process started (see `latest`, `issuedValues`). */
  private values = new Map<string, string>();
  calls: Record<string, number> = {};
  /** Each call since the counters were reset, by endpoint: when it came (the sandbox's clock, ms) and whether it was answered with a value. */
  callLog: Record<string, { at: number; ok: boolean }[]> = {};
  inFlight: Record<string, number> = {};
  inFlightMax: Record<string, number> = {};
  faults = new Map<string, Fault>();
  clockOffsetMs = 0;
  /** Values an endpoint hands out next instead of random ones (tests feed documented examples). */
  nextValues = new Map<string, string[]>();
  /** WeChat: when each app last forced a stable_token renewal (at least 30 s apart). */
  lastForce = new Map<string, number>();
  /** Called after every change worth saving (sandbox/persist.ts debounces it). */
  onChange: (() => void) | null = null;

  takeNext(endpoint: string): string | undefined {
    return this.nextValues.get(endpoint)?.shift();
  }

  /** Lifetimes (s) the next values of an endpoint are issued with (tests: a ticket that dies before the quota resets). */
  nextLifetimes = new Map<string, number[]>();
  takeNextLifetime(endpoint: string): number | undefined {
    return this.nextLifetimes.get(endpoint)?.shift();
  }

  /** `scale` simulated seconds per real second from `epoch` (tests cover hours in seconds). */
  constructor(readonly time: { scale: number; epoch: number } = { scale: 1, epoch: 0 }) {}

  now(): number {
    const real = Date.now();
    return this.time.epoch + (real - this.time.epoch) * this.time.scale + this.clockOffsetMs;
  }

  changed(): void {
    this.onChange?.();
  }

  digest(value: string): string {
    return createHmac("sha256", this.digestKey).update(value).digest("base64url");
  }

  setApp(vendor: Vendor, appId: string, secret: string): void {
    const key = `${vendor}:${appId}`;
    const prev = this.apps.get(key);
    // A secret change kills every token and ticket of the app.
    const epoch = prev && !this.secretMatches(prev, secret) ? prev.epoch + 1 : (prev?.epoch ?? 0);
    this.apps.set(key, { secretDigest: this.digest(secret), epoch });
    this.changed();
  }

  app(vendor: Vendor, appId: string): App | undefined {
    return this.apps.get(`${vendor}:${appId}`);
  }

  secretMatches(app: App, given: unknown): boolean {
    if (typeof given !== "string") return false;
    return timingSafeEqual(Buffer.from(this.digest(given)), Buffer.from(app.secretDigest));
  }

  /** `token`: for tickets, the token they were fetched with. */
  issue(value: string, info: Omit<Issued, "secretEpoch" | "tokenDigest"> & { token?: string }): void {
    const { token, ...rest } = info;
    const d = this.digest(value);
    this.values.set(d, value);
    this.issued.set(d, {
      issuedAt: this.now(),
      ...rest,
      ...(token !== undefined ? { tokenDigest: this.digest(token) } : {}),
      secretEpoch: this.app(info.vendor, info.appId)?.epoch ?? 0,
    });
    this.changed();
  }

  /** What the sandbox knows of a value it issued (expired or not). */
  lookup(value: string): Issued | undefined {
    return this.issued.get(this.digest(value));
  }

  /** Every value issued since this process started (tests grep stored data and logs for them). */
  issuedValues(): string[] {
    return [...this.issued.keys()].flatMap((d) => this.values.get(d) ?? []);
  }

  /** A credential is valid while unexpired, its app's secret unchanged, and its token (if any) valid. */
  valid(value: string, vendor: Vendor, kind?: string, at = this.now()): Issued | null {
    return this.validDigest(this.digest(value), vendor, kind, at);
  }

  private validDigest(d: string, vendor: Vendor, kind: string | undefined, at: number): Issued | null {
    const it = this.issued.get(d);
    if (!it || it.vendor !== vendor || (kind && it.kind !== kind)) return null;
    if (it.expiresAt <= at || (it.issuedAt ?? 0) > at) return null;
    if ((this.app(vendor, it.appId)?.epoch ?? 0) !== it.secretEpoch) return null;
    if (it.diesWithToken && it.tokenDigest && !this.validDigest(it.tokenDigest, vendor, "access_token", at)) return null;
    return it;
  }

  /** Shortens the life of every other value of (app, kind) to the overlap window. */
  supersede(vendor: Vendor, appId: string, kind: string, except: string, overlapMs: number): void {
    const until = this.now() + overlapMs;
    const keep = this.digest(except);
    for (const [d, it] of this.issued) {
      if (d !== keep && it.vendor === vendor && it.appId === appId && it.kind === kind && it.expiresAt > until) {
        it.expiresAt = until;
        this.changed();
      }
    }
  }

  /**
   * The newest still-valid value of (app, kind) that can be handed out again, if any. Values
   * issued before a restart are known by digest only: still accepted, but not returned here, so
   * the endpoints that hand back the live token (WeChat stable_token, Feishu) issue a new one
   * instead, and the old one stays valid until it expires, as on either vendor's renewal.
   */
  latest(vendor: Vendor, appId: string, kind: string): { value: string; issued: Issued } | null {
    let best: { value: string; issued: Issued } | null = null;
    const at = this.now();
    for (const [d, it] of this.issued) {
      const value = this.values.get(d);
      if (value !== undefined && it.vendor === vendor && it.appId === appId && it.kind === kind && this.validDigest(d, vendor, kind, at)) {
        if (!best || it.expiresAt > best.issued.expiresAt) best = { value, issued: it };
      }
    }
    return best;
  }

  /** Counts a call against a per-day quota; false once the quota is used up. */
  quotaUsed: Record<string, number> = {};
  takeQuota(key: string, limit: number): boolean {
    const day = vendorDay(new Date(this.now()));
    const k = `${day} ${key}`;
    const used = this.quotaUsed[k] ?? 0;
    if (used >= limit) return false;
    this.quotaUsed[k] = used + 1;
    this.changed();
    return true;
  }

  /** Counts a use against a per-month allowance (the vendors' month, UTC+8); false once it is used up. */
  takeMonthly(key: string, limit: number): boolean {
    const k = `${vendorDay(new Date(this.now())).slice(0, 7)} month ${key}`;
    const used = this.quotaUsed[k] ?? 0;
    if (used >= limit) return false;
    this.quotaUsed[k] = used + 1;
    this.changed();
    return true;
  }

  /** WeChat's clear_quota: today's counters of every endpoint of this app start again from 0. */
  clearQuota(appId: string): void {
    const today = `${vendorDay(new Date(this.now()))} `;
    for (const k of Object.keys(this.quotaUsed)) {
      if (k.startsWith(today) && k.endsWith(` ${appId}`)) delete this.quotaUsed[k];
    }
    this.changed();
  }

  resetCounters(): void {
    this.calls = {};
    this.callLog = {};
    this.inFlightMax = {};
    this.quotaUsed = {};
    this.changed();
  }

  /** What a vendor would remember across a restart; counters, faults and in-flight calls are not. */
  snapshot(): SavedState {
    const at = this.now();
    return {
      version: 1,
      savedAt: { sim: at, real: Date.now() },
      clockOffsetMs: this.clockOffsetMs,
      digestKey: this.digestKey.toString("base64url"),
      apps: Object.fromEntries(this.apps),
      // Expired values are of no use after a restart; this run keeps them (WeChat tells 42001 from 40001).
      issued: Object.fromEntries([...this.issued].filter(([, it]) => it.expiresAt > at)),
      quotaUsed: this.quotaUsed,
      lastForce: Object.fromEntries(this.lastForce),
    };
  }

  restore(saved: SavedState): void {
    this.digestKey = Buffer.from(saved.digestKey, "base64url");
    this.clockOffsetMs = saved.clockOffsetMs;
    // A vendor's clock never runs back. With a fixed SANDBOX_TIME_EPOCH (or none, at scale 1) the
    // clock carries on by itself; with the default epoch (the start time) a scaled clock would
    // restart from real time, behind what it issued: it resumes where it stopped instead.
    if (this.now() < saved.savedAt.sim) this.clockOffsetMs += saved.savedAt.sim - this.now();
    const at = this.now();
    this.apps = new Map(Object.entries(saved.apps));
    this.issued = new Map(Object.entries(saved.issued).filter(([, it]) => it.expiresAt > at));
    this.values.clear();
    this.quotaUsed = saved.quotaUsed;
    this.lastForce = new Map(Object.entries(saved.lastForce));
  }
}

export function randomValue(bytes: number): string {
  return randomBytes(bytes).toString("base64url");
}
