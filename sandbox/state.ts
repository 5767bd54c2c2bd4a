// In-memory state of the vendor sandbox: registered apps, issued credentials, counters,
// injected faults and the sandbox's own clock. Nothing here is shared with Ticket Hub.
import { randomBytes } from "node:crypto";
import { vendorDay } from "../lib/vendor-day";

export type Vendor = "wechat" | "feishu" | "faceid" | "yzb";

export type Issued = {
  vendor: Vendor;
  issuedAt?: number;
  appId: string;
  kind: string;
  expiresAt: number;
  /** For tickets: the token they were fetched with. */
  token?: string;
  /** FaceID: "access_token 失效时，该 access_token 生成的 ticket 都失效". */
  diesWithToken?: boolean;
  /** FaceID NONCE tickets are single use. */
  used?: boolean;
  secretEpoch: number;
};

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
  apps = new Map<string, { secret: string; epoch: number }>();
  issued = new Map<string, Issued>();
  calls: Record<string, number> = {};
  inFlight: Record<string, number> = {};
  inFlightMax: Record<string, number> = {};
  faults = new Map<string, Fault>();
  clockOffsetMs = 0;
  /** Values an endpoint hands out next instead of random ones (tests feed documented examples). */
  nextValues = new Map<string, string[]>();

  takeNext(endpoint: string): string | undefined {
    return this.nextValues.get(endpoint)?.shift();
  }

  /** `scale` simulated seconds per real second from `epoch` (tests cover hours in seconds). */
  constructor(readonly time: { scale: number; epoch: number } = { scale: 1, epoch: 0 }) {}

  now(): number {
    const real = Date.now();
    return this.time.epoch + (real - this.time.epoch) * this.time.scale + this.clockOffsetMs;
  }

  setApp(vendor: Vendor, appId: string, secret: string): void {
    const key = `${vendor}:${appId}`;
    const prev = this.apps.get(key);
    // A secret change kills every token and ticket of the app.
    const epoch = prev && prev.secret !== secret ? prev.epoch + 1 : (prev?.epoch ?? 0);
    this.apps.set(key, { secret, epoch });
  }

  app(vendor: Vendor, appId: string) {
    return this.apps.get(`${vendor}:${appId}`);
  }

  issue(value: string, info: Omit<Issued, "secretEpoch">): void {
    this.issued.set(value, { issuedAt: this.now(), ...info, secretEpoch: this.app(info.vendor, info.appId)?.epoch ?? 0 });
  }

  /** A credential is valid while unexpired, its app's secret unchanged, and its token (if any) valid. */
  valid(value: string, vendor: Vendor, kind?: string, at = this.now()): Issued | null {
    const it = this.issued.get(value);
    if (!it || it.vendor !== vendor || (kind && it.kind !== kind)) return null;
    if (it.expiresAt <= at || (it.issuedAt ?? 0) > at) return null;
    if ((this.app(vendor, it.appId)?.epoch ?? 0) !== it.secretEpoch) return null;
    if (it.diesWithToken && it.token && !this.valid(it.token, vendor, "access_token", at)) return null;
    return it;
  }

  /** Shortens the life of every other value of (app, kind) to the overlap window. */
  supersede(vendor: Vendor, appId: string, kind: string, except: string, overlapMs: number): void {
    const until = this.now() + overlapMs;
    for (const [value, it] of this.issued) {
      if (value !== except && it.vendor === vendor && it.appId === appId && it.kind === kind && it.expiresAt > until) {
        it.expiresAt = until;
      }
    }
  }

  /** The newest still-valid value of (app, kind), if any. */
  latest(vendor: Vendor, appId: string, kind: string): { value: string; issued: Issued } | null {
    let best: { value: string; issued: Issued } | null = null;
    for (const [value, it] of this.issued) {
      if (it.vendor === vendor && it.appId === appId && it.kind === kind && this.valid(value, vendor, kind)) {
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
    return true;
  }

  resetCounters(): void {
    this.calls = {};
    this.inFlightMax = {};
    this.quotaUsed = {};
  }
}

export function randomValue(bytes: number): string {
  return randomBytes(bytes).toString("base64url");
}
