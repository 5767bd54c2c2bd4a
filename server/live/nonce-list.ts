import "server-only";
import type { NonceView } from "@/lib/nonce-view";
import { nowMs, realMs } from "../clock";
import { recentNonces } from "../nonce/nonce-desk";
import type { Topics } from "./changes";
import { memoAnswer } from "./topic-memo";

/**
 * The desk's list's memo for one length: it changes with the NONCE stamp (issued, used, pruned),
 * with the credentials' (a ticket ends early when the token it was fetched with is replaced) and
 * with the apps' (it names them).
 */
export const nonceListMemo = (limit: number) => ({ key: JSON.stringify(["nonces", limit]), topics: ["nonces", "credentials", "apps"] as const });

/** When the first ticket still live in `nonces` expires (server clock ms): the list then shows it expired. */
export function firstExpiry(nonces: NonceView[]): number {
  let next = Number.POSITIVE_INFINITY;
  for (const n of nonces) if (!n.usedAt && !n.expired) next = Math.min(next, Date.parse(n.expiresAt));
  return next;
}

/**
 * GET /api/nonce's tickets with their ETag, the same for every operator: read once per instance
 * while nothing changes (topic-memo.ts), so every open desk's refetch of an unchanged list is a 304
 * without a database query.
 */
export function nonceListAnswer(limit: number, heard: Partial<Topics> | null = null): Promise<{ etag: string; answer: NonceView[] }> {
  return memoAnswer({
    ...nonceListMemo(limit),
    heard,
    render: async () => {
      // Expiries are on the server's clock (simulated in some tests); the memo counts on this host's.
      const [at, wall] = [nowMs(), Date.now()];
      const nonces = await recentNonces(limit);
      return { answer: nonces, validUntilMs: wall + realMs(firstExpiry(nonces) - at) };
    },
  });
}
