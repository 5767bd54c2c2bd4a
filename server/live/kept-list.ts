import "server-only";
import type { CredentialView } from "@/lib/credential-view";
import { vendorDay } from "@/lib/vendor-day";
import { now } from "../clock";
import { getConfig } from "../config";
import { getDb } from "../db";
import { processSingleton } from "../process-state";
import { newRound, type Sweep, sweepStep } from "../sweep";
import { instanceOf } from "../tickets/lease";
import { SINCE_MARGIN_MS } from "../fast/read-cache";
import { appsWritten, credentialViews, listedIds, listShape } from "../tickets/list-credentials";

/**
 * The dashboard's credential list kept between renders (list-cache.ts renders it once per change
 * for every tab). Reading it whole took 0.64-0.99 s with 3,000 apps (6,759 credentials: ~480 ms in
 * SQLite over 136 pages, the rest Prisma's mapping, the views and their garbage), once for every
 * change while a dashboard was open, and every tab waited for it. So a render reads again only the
 * apps of the credentials whose view may read differently now (each app whole: a FaceID SIGN
 * ticket's expiry is capped by its token's, and tickets of one app share an endpoint's quota count):
 *  - a credential row written since the last look (a refresh, a failure, a pause for quota);
 *  - a refresh lease taken, renewed or given back (its own table: no credential row moves);
 *  - a moment passed at which a view reads differently by time alone (timeChangeOf: a value
 *    expires, an overlap ends, a lease lapses, a retry becomes possible);
 *  - a vendor call recorded for the app (its quota counts), with or without a credential row
 *    written: a NONCE ticket issued counts in the SIGN ticket's (calledApps);
 * and everything when the list's shape moved (an app added, removed, renamed, disabled, its policy
 * or quota reset changed: listShape) or the vendors' day turned (every quota count starts again).
 * A safety net for what these do not see (a row or a call committed later than their look-backs
 * reach: a vendor call longer than this instance's timeout allows, set longer on another; a failure
 * written by a host whose clock is more than SINCE_MARGIN_MS behind): every app is read again over
 * a sweep of `listSweep.everyMs` spread over the renders (server/sweep.ts), as the metrics' states
 * (server/metrics/states.ts) and the read cache do. Uncapped: a quiet dashboard, rendered every
 * 30 s (list-cache.ts), reads a tenth of the apps at each. With a 30 s sweep and no look at the
 * calls, the sweep was ~15 of the ~20 apps a render read with 3,000 apps and a dashboard open
 * (bench/scale.ts).
 * A refresh the look by updatedAt missed (its host's clock behind, its commit late) still shows in
 * the sum of generations, which is checked at every render (missedRefreshes).
 * A render after a pause longer than `listSweep.fullAfterMs` (the dashboard closed for a while)
 * reads in full: the sweep would read every app again anyway, and the look at the calls would
 * read every call since the last render (~16,000 an hour with 3,000 apps).
 */
export const listSweep = { everyMs: 5 * 60_000, fullAfterMs: 5 * 60_000 };

type Kept = {
  /** The credentials in the list's order, each one's view and row updatedAt (ms) as last read, and each app's credentials. */
  order: string[];
  views: Map<string, CredentialView>;
  updatedAt: Map<string, number>;
  byApp: Map<string, string[]>;
  /** Per credential, the first moment (server clock, ms) its view reads differently by time alone. */
  timeChange: Map<string, number>;
  /** The credentials whose view shows a lease. */
  leased: Set<string>;
  /** The vendor calls the last look found (calledApps), by id, and when it looked (server clock, ms). */
  calls: Set<string>;
  callsAt: number;
  /** When it was last read (Date.now(): the sweep's clock, real time under a scaled test clock). */
  readAtWall: number;
  /** The newest credential updatedAt seen (ms). */
  credSince: number;
  shape: string;
  day: string;
  sweep: Sweep;
};

const kept = () => processSingleton<{ last: Kept | null }>("tickethubKeptList", () => ({ last: null }));

/** How the last render read the list (for tests and the benchmarks): in full, or how many apps again (`swept` of them for the sweep alone, `missed` for a refresh updatedAt did not show), and in how long. */
export const lastListRead = { full: false, apps: 0, swept: 0, missed: 0, ms: 0 };

/** When view `c` first reads differently by time alone after `atMs` (server clock, ms; +∞: never). */
export function timeChangeOf(c: CredentialView, atMs: number): number {
  let next = Number.POSITIVE_INFINITY;
  const consider = (iso: string | null | undefined) => {
    if (!iso) return;
    const t = Date.parse(iso);
    if (t > atMs && t < next) next = t;
  };
  consider(c.current?.expiresAt);
  consider(c.previous?.validUntil);
  if (c.refreshing) consider(c.lease?.expiresAt);
  consider(c.quota?.resetsAt);
  // Time to impact moves by time alone too: a retry's moment passes, a value's end comes.
  consider(c.impact.refreshPossibleAt);
  consider(c.impact.breaksAt);
  return next;
}

/**
 * Every credential of every enabled app with its state, values masked (listCredentials' answer),
 * and until when it reads the same by time alone (server clock, ms). Callers do not overlap
 * (list-cache.ts reads through one flight): a read updates what is kept in place.
 */
export async function keptList(): Promise<{ credentials: CredentialView[]; validUntilServerMs: number }> {
  const started = performance.now();
  const at = now();
  const shape = await listShape();
  const last = kept().last;
  const k =
    last && last.shape === shape && last.day === vendorDay(at) && Date.now() - last.readAtWall <= listSweep.fullAfterMs
      ? await again(last, at)
      : await full(shape, at);
  k.readAtWall = Date.now();
  kept().last = k;
  lastListRead.ms = performance.now() - started;
  if (getConfig().logRefreshes) {
    const { full, apps, swept, missed, ms } = lastListRead;
    console.log(`[list] ${full ? "full" : "incremental"} render: ${apps} apps read (${swept} swept, ${missed} missed) in ${ms.toFixed(1)} ms`);
  }
  let validUntilServerMs = Number.POSITIVE_INFINITY;
  for (const t of k.timeChange.values()) if (t < validUntilServerMs) validUntilServerMs = t;
  return { credentials: k.order.map((id) => k.views.get(id)!), validUntilServerMs };
}

/** Forgets what is kept: the next read is a full one (tests). */
export function forgetKeptList(): void {
  kept().last = null;
}

async function full(shape: string, at: Date): Promise<Kept> {
  const updatedAt = new Map<string, number>();
  // The calls first: every view read after them counts them in its quota.
  const { seen: calls } = await calledApps(new Set(), at.getTime(), at);
  const read = await credentialViews(await listedIds(getDb()), at, updatedAt);
  const k: Kept = {
    order: [],
    views: new Map(),
    updatedAt: new Map(),
    byApp: new Map(),
    timeChange: new Map(),
    leased: new Set(),
    calls,
    callsAt: at.getTime(),
    readAtWall: 0,
    credSince: 0,
    shape,
    day: vendorDay(at),
    sweep: newRound([], 0),
  };
  for (const c of read) {
    k.order.push(c.id);
    const ids = k.byApp.get(c.appRef);
    if (ids) ids.push(c.id);
    else k.byApp.set(c.appRef, [c.id]);
  }
  k.credSince = put(k, read, updatedAt, at);
  // The sweep's round starts once every app has been read.
  k.sweep = newRound([...k.byApp.keys()], Date.now());
  Object.assign(lastListRead, { full: true, apps: k.byApp.size, swept: 0, missed: 0 });
  return k;
}

/**
 * Views read at `at` into `k`, with what tells when each must be read again: their rows'
 * `updatedAt` (ms, by id) and the moment each reads differently by time alone. Returns the newest
 * `updatedAt` among them (0 for none).
 */
function put(k: Kept, views: CredentialView[], updatedAt: Map<string, number>, at: Date): number {
  const atMs = at.getTime();
  for (const c of views) {
    k.views.set(c.id, c);
    k.timeChange.set(c.id, timeChangeOf(c, atMs));
    if (c.lease) k.leased.add(c.id);
    else k.leased.delete(c.id);
  }
  let newest = 0;
  for (const [id, ms] of updatedAt) {
    k.updatedAt.set(id, ms);
    if (ms > newest) newest = ms;
  }
  return newest;
}

/** `k` with the apps whose credentials' views may have changed read again (in place: the render before is done with it). */
async function again(k: Kept, at: Date): Promise<Kept> {
  // The sum first: every view read after it holds at least the generation it counted.
  const generations = await generationSum();
  const [written, called, leases] = await Promise.all([
    appsWritten(k.credSince, (id) => k.updatedAt.get(id)),
    calledApps(k.calls, k.callsAt, at),
    getDb().refreshLease.findMany({ select: { credentialId: true, owner: true, instance: true, acquiredAt: true, expiresAt: true } }),
  ]);
  const dirty = written.apps;
  for (const app of called.apps) if (k.byApp.has(app)) dirty.add(app);
  const appOf = (id: string) => k.views.get(id)?.appRef;
  // A lease taken, renewed, given back or taken over: as the view shows it (listCredentials).
  const held = new Set<string>();
  for (const l of leases) {
    held.add(l.credentialId);
    const shown = k.views.get(l.credentialId)?.lease;
    if (
      !shown ||
      shown.instance !== (l.instance || instanceOf(l.owner)) ||
      shown.acquiredAt !== l.acquiredAt.toISOString() ||
      shown.expiresAt !== l.expiresAt.toISOString()
    ) {
      const app = appOf(l.credentialId);
      if (app) dirty.add(app);
    }
  }
  for (const id of k.leased) if (!held.has(id)) dirty.add(appOf(id)!);
  // A moment passed at which a view reads differently.
  const atMs = at.getTime();
  for (const [id, t] of k.timeChange) if (t <= atMs) dirty.add(appOf(id)!);
  const changed = dirty.size;
  const { due, sweep } = sweepStep(k.sweep, () => [...k.byApp.keys()], Date.now(), listSweep.everyMs);
  for (const app of due) dirty.add(app);
  // In the list's order (credentialViews keeps it within a page of ids, and the merge below keeps the whole).
  const ids = [...dirty].flatMap((app) => k.byApp.get(app) ?? []);
  const updatedAt = new Map<string, number>();
  const read = await credentialViews(ids, at, updatedAt);
  // A listed credential that did not come back (its app disabled meanwhile: the shape moved too) is read in full.
  if (read.length !== ids.length) return full(await listShape(), at);
  // Only once all is read: a render that fails here (the database went away) leaves the next one to read the same apps.
  k.credSince = Math.max(written.sinceMs, put(k, read, updatedAt, at));
  k.calls = called.seen;
  k.callsAt = at.getTime();
  k.sweep = sweep;
  const missed = await missedRefreshes(k, generations, at);
  Object.assign(lastListRead, { full: false, apps: dirty.size + missed, swept: dirty.size - changed, missed });
  return k;
}

/**
 * How long after its start a vendor call's row may appear (ms): the vendor's timeout (this
 * instance's setting), then SQLite's busy timeout (10 s: sqlite-adapter.ts) and SINCE_MARGIN_MS more.
 */
export const callMarginMs = () => getConfig().upstreamTimeoutMs + 10_000 + SINCE_MARGIN_MS;

/**
 * The apps with a vendor call recorded since the last look at `lastAtMs` (`seen`: the calls it
 * found), and every call found now. A call's row is written when it ends, with the moment it
 * started (server clock: clock.ts), so the look reaches back from the last one by callMarginMs (as
 * many simulated ms under a test clock). A call counts in its app's quota for the day whether or
 * not a credential row moves with it: a NONCE ticket issued (the desk, the proxy) counts in the
 * SIGN ticket's, `checkCode` and auth-code exchanges in yzb's endpoints.
 */
async function calledApps(seen: Set<string>, lastAtMs: number, at: Date): Promise<{ apps: Set<string>; seen: Set<string> }> {
  const from = Math.min(lastAtMs, at.getTime()) - callMarginMs() * getConfig().time.scale;
  const rows = await getDb().upstreamCall.findMany({ where: { startedAt: { gte: new Date(from) } }, select: { id: true, appRef: true } });
  const apps = new Set<string>();
  for (const r of rows) if (r.appRef && !seen.has(r.id)) apps.add(r.appRef);
  return { apps, seen: new Set(rows.map((r) => r.id)) };
}

/**
 * The sum of the listed credentials' generations (every enabled app's): every credential's from the
 * index on generation, less the disabled apps' (found by app). Read at every render; as a join of
 * every credential row with its app it took 4.5 ms a read with 3,000 apps at 12× (bench/scale.ts),
 * this 0.95 ms.
 */
export const GENERATION_SUM_SQL = `SELECT (SELECT COALESCE(SUM("generation"), 0) FROM "Credential")
  - (SELECT COALESCE(SUM("generation"), 0) FROM "Credential" WHERE "appRef" IN (SELECT "id" FROM "VendorApp" WHERE NOT "enabled")) AS g`;
async function generationSum(): Promise<number> {
  const [row] = await getDb().$queryRawUnsafe<{ g: unknown }[]>(GENERATION_SUM_SQL);
  return Number(row?.g ?? 0);
}

/**
 * When the kept views' generations add up to less than `generations` (summed before they were
 * read), a refresh went unseen by updatedAt (written on a host whose clock is behind, committed
 * late): its app is found by its generation and read again. How many apps that was.
 */
async function missedRefreshes(k: Kept, generations: number, at: Date): Promise<number> {
  let kept = 0;
  for (const v of k.views.values()) kept += v.generation;
  if (kept >= generations) return 0;
  const rows = await getDb().credential.findMany({ where: { app: { enabled: true } }, select: { id: true, appRef: true, generation: true } });
  const apps = new Set(rows.filter((r) => (k.views.get(r.id)?.generation ?? r.generation) < r.generation).map((r) => r.appRef));
  const ids = [...apps].flatMap((app) => k.byApp.get(app) ?? []);
  const updatedAt = new Map<string, number>();
  put(k, await credentialViews(ids, at, updatedAt), updatedAt, at);
  return apps.size;
}
