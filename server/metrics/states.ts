import "server-only";
import { vendorDay } from "@/lib/vendor-day";
import { now } from "../clock";
import { getDb } from "../db";
import { inPages } from "../db-batch";
import { processSingleton } from "../process-state";
import { SingleFlight } from "../single-flight";
import { newRound, type Sweep, sweepStep } from "../sweep";
import { appsWritten, type CredentialState, listedIds, listShape, type StateParts, stateAt, statePartsOf } from "../tickets/list-credentials";

/**
 * The credentials' states for /api/metrics, kept between scrapes. A scrape reports every credential:
 * with 3,000 apps reading them all took ~0.8 s of CPU on the read plane (which answers the scrapes,
 * beside the consumer reads), half of its work in bench/scale.ts, and nearly all of it read again
 * what the scrape before had read. So a scrape reads again only the apps with a credential row
 * written since the last look (a refresh, a failure, a pause: each writes its row, and the vendor
 * calls its quota counts come with those writes), and everything:
 *  - when an app changed (its name orders the list; its policy sets limits; enabled or not), or the
 *    number of apps or credentials did;
 *  - when the vendors' day turns (the quotas start again).
 * A safety net for what no row shows (a write that commits more than SINCE_MARGIN_MS after its
 * updatedAt, a vendor call that writes no credential, which counts in its app's quota): every app is
 * read again once every `statesSweep.everyMs`, spread over the scrapes (server/sweep.ts), as the
 * read cache sweeps its apps. It was a full read once a minute: with 3,000 apps ~0.4 s of the read
 * plane's CPU at once on a 2-core host, and the scheduler's timers on the Next server fired late
 * beside it (bench/scale.ts at 12×: 12 planned refreshes 1.1-2.3 s (simulated) late within 3 s of
 * such a scrape); spread over a minute, every scrape (15 s apart) read a quarter of the apps again,
 * and the late starts came with every scrape instead. Over 5 minutes, a scrape reads a twentieth.
 * Statuses are applied at each scrape (a value expires by time alone: stateAt).
 */
export const statesSweep = { everyMs: 5 * 60_000 };
/**
 * At most this many apps are swept at one scrape: after a pause of the scrapes (a Prometheus
 * restarted) the sweep catches up over the next ones, not in one read of every app.
 */
const SWEEP_MAX_APPS = 300;

type Kept = {
  /** The credentials in the list's order, what was read of each, and each app's credentials. */
  order: string[];
  parts: Map<string, StateParts>;
  byApp: Map<string, string[]>;
  /** The newest credential updatedAt seen (ms). */
  credSince: number;
  /** The counts of apps and credentials and the sum of the apps' revisions (a trigger bumps an app's at every update), when last read in full. */
  shape: string;
  day: string;
  /** Where the sweep that reads every app again stands. */
  sweep: Sweep;
};

const kept = () => processSingleton<{ last: Kept | null }>("tickethubMetricStates", () => ({ last: null }));
const flights = new SingleFlight<CredentialState[]>();

/** How the last scrape read the states (for tests and the benchmark): in full, or how many apps again (`swept` of them for the sweep alone). */
export const lastStatesRead = { full: false, apps: 0, swept: 0 };

/** Every credential of every enabled app with what the metrics say of it, in the list's order (credentialStates). */
export function currentStates(): Promise<CredentialState[]> {
  return flights.run("states", read);
}

async function read(): Promise<CredentialState[]> {
  const at = now();
  const shape = await listShape();
  const last = kept().last;
  const k = last && last.shape === shape && last.day === vendorDay(at) ? await again(last, at) : await full(shape, at);
  kept().last = k;
  return k.order.map((id) => stateNow(k.parts.get(id)!, at));
}

/**
 * Each credential's state as last said, for as long as what was read of it (`parts`) and its status
 * stay the same. A scrape streams its text over a good part of a second (server/metrics/render.ts),
 * and states made anew for every credential at each scrape outlived the young generation (with the
 * label texts render.ts now keeps with them, ~1.7 MiB promoted a scrape with 3,000 apps).
 */
const said = new WeakMap<StateParts, CredentialState>();
function stateNow(parts: StateParts, at: Date): CredentialState {
  const state = stateAt(parts, at);
  const had = said.get(parts);
  if (had?.status === state.status) return had;
  said.set(parts, state);
  return state;
}

async function full(shape: string, at: Date): Promise<Kept> {
  const order: string[] = [];
  const parts: Kept["parts"] = new Map();
  const byApp: Kept["byApp"] = new Map();
  let credSince = 0;
  for (const p of await inPages(await listedIds(getDb()), (page) => statePartsOf(page, at))) {
    order.push(p.id);
    parts.set(p.id, p);
    const ids = byApp.get(p.appRef);
    if (ids) ids.push(p.id);
    else byApp.set(p.appRef, [p.id]);
    if (p.updatedAtMs > credSince) credSince = p.updatedAtMs;
  }
  // The sweep's round starts once every app has been read.
  const k: Kept = { order, parts, byApp, credSince, shape, day: vendorDay(at), sweep: newRound([...byApp.keys()], Date.now()) };
  Object.assign(lastStatesRead, { full: true, apps: k.byApp.size, swept: 0 });
  return k;
}

/** `k` with the apps whose credential rows moved read again (in place: the previous scrape is done with it). */
async function again(k: Kept, at: Date): Promise<Kept> {
  const { apps: moved, sinceMs: credSince } = await appsWritten(k.credSince, (id) => k.parts.get(id)?.updatedAtMs);
  const changed = moved.size;
  const { due, sweep } = sweepStep(k.sweep, () => [...k.byApp.keys()], Date.now(), statesSweep.everyMs, SWEEP_MAX_APPS);
  for (const app of due) moved.add(app);
  const ids = [...moved].flatMap((app) => k.byApp.get(app) ?? []);
  const read = await inPages(ids, (page) => statePartsOf(page, at));
  // Only once all is read: a scrape that fails here (the database went away) leaves the next one to read the same rows.
  for (const p of read) k.parts.set(p.id, p);
  k.credSince = credSince;
  k.sweep = sweep;
  Object.assign(lastStatesRead, { full: false, apps: moved.size, swept: moved.size - changed });
  return k;
}
