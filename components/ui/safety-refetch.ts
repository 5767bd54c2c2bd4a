/**
 * How often a page refetches what it shows without news from the change stream (live-updates.tsx):
 * a safety net, not how changes arrive. Every change a page shows moves a topic's stamp
 * (server/live/changes.ts: values, failures, apps, keys, NONCEs, audit rows, alerts and their
 * notifications' outcomes) and reaches the page within a second; a stream that reconnects names the
 * current stamps first, so a page compares and refetches what moved meanwhile. What time alone
 * changes (a health that turns at a moment, a silence that ends) is refetched at that moment.
 * Each of these refetches is a request per open browser; at 30 s, 100 idle browsers asked ~230
 * times a minute, most of the dashboard's idle cost (bench/idle-tabs.ts).
 */
export const SAFETY_REFETCH_MS = 120_000;
