import "server-only";
import { alertKeys } from "@/lib/query-keys";
import { listAlerts } from "../alerts/alerts";
import { nowMs, realMs } from "../clock";
import type { Topics } from "./changes";
import { memoAnswer, type MemoSpec } from "./topic-memo";

type AlertList = Awaited<ReturnType<typeof listAlerts>>;

/** The alert list's memo: it changes with the alerts' stamp, and with the apps' (it names apps). */
export const ALERT_LIST_MEMO = { key: "alerts", topics: ["alerts", "apps"] } as const satisfies Omit<MemoSpec<AlertList>, "render">;

/** When the first shown silence ends (the server's clock, ms): the list then shows that alert unsilenced. */
export function silenceEndsAt(list: AlertList): number {
  let next = Number.POSITIVE_INFINITY;
  for (const a of [...list.open, ...list.recent]) if (a.silencedUntil) next = Math.min(next, Date.parse(a.silencedUntil));
  return next;
}

/**
 * GET /api/alerts's answer (open incidents and the most recent resolved ones) with its ETag, the
 * same for every user: read once per instance while nothing changes (topic-memo.ts).
 */
export function alertListAnswer(heard: Partial<Topics> | null = null): Promise<{ etag: string; answer: AlertList }> {
  return memoAnswer({
    ...ALERT_LIST_MEMO,
    heard,
    render: async () => {
      // Silences are on the server's clock (simulated in some tests); the memo counts on this host's.
      const [at, wall] = [nowMs(), Date.now()];
      const list = await listAlerts();
      return { answer: list, validUntilMs: wall + realMs(silenceEndsAt(list) - at) };
    },
  });
}

/**
 * The alert list as a page's server render reads it for the browser's query cache (Prefetched): the
 * overview's banner and a credential page's alerts are in its HTML, and not read again as it starts.
 */
export const alertsPrefetch = {
  queryKey: alertKeys.all,
  queryFn: async () => {
    const { etag, answer } = await alertListAnswer();
    return { ...answer, etag };
  },
};
