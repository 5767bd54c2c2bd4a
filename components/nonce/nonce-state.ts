import { remainingSeconds } from "@/lib/time";

/** What a NONCE ticket is at a moment: still usable (seconds left), used (when), or expired (when). */
export type NonceState = { kind: "live"; secondsLeft: number } | { kind: "used"; at: string } | { kind: "expired"; at: string };

/**
 * A NONCE's state on the server's clock (browser `now` + measured offset). Used wins over
 * expired: a ticket marked used in time stays "used" after its 120 s. `now` 0 (server render): null.
 */
export function nonceState(n: { usedAt: string | null; expiresAt: string; expired?: boolean }, now: number, clockOffsetMs: number): NonceState | null {
  if (n.usedAt) return { kind: "used", at: n.usedAt };
  // The server said so (e.g. it refused Mark used): believe it over a countdown that may lag.
  if (n.expired) return { kind: "expired", at: n.expiresAt };
  if (!now) return null;
  const left = remainingSeconds(n.expiresAt, now, clockOffsetMs);
  return left > 0 ? { kind: "live", secondsLeft: left } : { kind: "expired", at: n.expiresAt };
}

/** The expiry a 409 from Mark used names (the server's word that it expired), if that is what the error is. */
export function refusedAsExpired(err: unknown): string | null {
  const e = err as { status?: number; body?: { expiresAt?: unknown } } | null;
  return e?.status === 409 && typeof e.body?.expiresAt === "string" ? e.body.expiresAt : null;
}
