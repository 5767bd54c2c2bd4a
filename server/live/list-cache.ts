import "server-only";
import type { CredentialView } from "@/lib/credential-view";
import { now } from "../clock";
import { contentEtag, matchesEtag } from "../http/etag";
import { onCredentialsChanged } from "../events";
import { processSingleton } from "../process-state";
import { FreshFlight, SingleFlight } from "../single-flight";
import { listCredentials } from "../tickets/list-credentials";
import { onTopicsChanged, type Topics, trustedStamp, watchChanges } from "./changes";

/**
 * The last rendered credential list, shared by every tab on this instance, with how long it stays
 * true, and the views derived from it (pages of the overview) with their ETags (hashes of content).
 *
 * It stays true while the database's credentials stamp (changes.ts) is the one it was rendered
 * under, and until the earliest moment one of its time-dependent fields would read differently
 * (a value expires and turns "expired", a superseded value leaves its overlap window, a lease
 * lapses, the vendors' day turns and quota counts reset). Health states (expiring, refresh due…)
 * are derived from these fields and the clock (lib/health.ts): in the browser each second, and on
 * the server for a view grouped by health, which says itself until when it holds (derivedView).
 * As a safety net against a change the stamps do not see, it is re-rendered at least
 * every MAX_AGE_MS (one render per instance, not per tab; an unchanged render keeps its ETag).
 */
const MAX_AGE_MS = 30_000;

/** A view derived from the list (a page of the overview) and its ETag, kept while it reads the same. */
type View = { etag: string; answer: unknown; validUntilServerMs: number };
type Rendered = {
  stamp: string;
  credentials: CredentialView[];
  validUntilServerMs: number;
  renderedAt: number;
  /** Views derived from this render, by key (their query); they go with it. */
  views: Map<string, View>;
};
/** Views kept per render: the pages open tabs look at; a new one beyond this drops the oldest. */
const MAX_VIEWS = 64;

/** How a view is derived from the list (a page of the overview with its filters). */
type Derive = (credentials: CredentialView[], atMs: number) => { answer: unknown; validUntilServerMs: number };

/**
 * A view asked for within this long is rendered again as soon as the credentials move (rendered
 * ahead), so the tabs looking at it find it in memory when the change stream sends them to ask.
 * Longer than an idle tab's safety refetch (components/ui/safety-refetch.ts, 120 s), whose 304 from
 * memory counts as asking: a page left open through a quiet spell is still rendered ahead.
 */
export const AHEAD_FOR_MS = 150_000;

type Slot = {
  last: Rendered | null;
  /** Renders are numbered as they begin; `last` is only ever replaced by a later one (lastSeq). */
  renders: number;
  lastSeq: number;
  writes: number;
  /** The views asked for lately, by key: when (performance.now()), and how to derive them (rendered ahead on a change). */
  asked: Map<string, { at: number; derive: Derive }>;
  /** Listening for changes while views are asked for (renderAhead), or null; and the timer that stops it. */
  stopListening: (() => void) | null;
  restTimer: NodeJS.Timeout | null;
  /** The credentials' stamp rendered ahead last; the render ahead running (done when it is), and whether a change came meanwhile. */
  aheadFor: string | null;
  ahead: Promise<void> | null;
  aheadAgain: boolean;
};
const slot = () =>
  processSingleton<Slot>("tickethubListCache", () => {
    // A write in this process (or relayed from the other process of this instance) drops the
    // rendered list at once: whoever just refreshed, failed, or changed an app reads it next.
    // `writes` counts them, so a render that began before one is not remembered after it.
    onCredentialsChanged(() => {
      const s = slot();
      s.last = null;
      s.writes++;
    });
    return {
      last: null,
      renders: 0,
      lastSeq: 0,
      writes: 0,
      asked: new Map(),
      stopListening: null,
      restTimer: null,
      aheadFor: null,
      ahead: null,
      aheadAgain: false,
    };
  });

export type CredentialList = { credentials: CredentialView[]; views: Map<string, View> };

/** When the first time-dependent field of the list would change (server clock, ms). */
export function nextTimeChange(credentials: CredentialView[], atMs: number): number {
  let next = Number.POSITIVE_INFINITY;
  const consider = (iso: string | null | undefined) => {
    if (!iso) return;
    const t = Date.parse(iso);
    if (t > atMs && t < next) next = t;
  };
  for (const c of credentials) {
    consider(c.current?.expiresAt);
    consider(c.previous?.validUntil);
    if (c.refreshing) consider(c.lease?.expiresAt);
    consider(c.quota?.resetsAt);
    // Time to impact moves by time alone too: a retry's moment passes, a value's end comes.
    consider(c.impact.refreshPossibleAt);
    consider(c.impact.breaksAt);
  }
  return next;
}

function stillTrue(r: Rendered | null, stamp: string | null): r is Rendered {
  return !!r && !!stamp && r.stamp === stamp && now().getTime() < r.validUntilServerMs && Date.now() - r.renderedAt < MAX_AGE_MS;
}

/** Reads for tabs that heard of a change this process has not seen: shared by those asking meanwhile, each read begun after its callers asked. */
const unseen = new FreshFlight<CredentialView[]>();
/**
 * Renders under a known stamp, by stamp and the writes this process had heard of when it began: a
 * request arriving while the render ahead (or another request's) is still reading joins it.
 */
const rendering = new SingleFlight<Rendered>();

/**
 * The list, from memory while it is still true, otherwise from the database (and remembered).
 * `heard`: the stamps the asking tab heard (changes.ts heardOf); one this process has not seen yet
 * sends it to the database, and that read is not kept (it is not known under which stamp it was read).
 */
export async function credentialList(heard: Partial<Topics> | null = null): Promise<CredentialList> {
  await watchChanges();
  const stamp = trustedStamp(["credentials"], heard);
  const last = slot().last;
  if (stillTrue(last, stamp)) return last;
  if (stamp === null) return render(null, heard);
  const writes = slot().writes;
  return rendering.run(`${writes}|${stamp}`, () => render(stamp, heard));
}

async function render(stamp: string | null, heard: Partial<Topics> | null): Promise<Rendered> {
  // The stamp is taken before reading: a change landing meanwhile moves it, so this render is
  // dropped at the next request rather than trusted past the change.
  const atMs = now().getTime();
  const writes = slot().writes;
  const seq = ++slot().renders;
  const credentials = stamp === null && heard ? await unseen.run("list", listCredentials) : await listCredentials();
  const rendered = {
    stamp: stamp ?? "",
    credentials,
    validUntilServerMs: nextTimeChange(credentials, atMs),
    renderedAt: Date.now(),
    views: new Map<string, View>(),
  };
  // Not over a render begun later (renders under successive stamps may overlap; the later one read later).
  const sl = slot();
  if (stamp && sl.writes === writes && seq > sl.lastSeq) {
    sl.last = rendered;
    sl.lastSeq = seq;
  }
  return rendered;
}

/**
 * Notes that view `key` was asked for, and listens for changes while views are (renderAhead).
 */
function noteAsked(key: string, derive: Derive) {
  const s = slot();
  s.asked.delete(key);
  // As many as a render keeps (MAX_VIEWS): the most recently asked.
  if (s.asked.size >= MAX_VIEWS) s.asked.delete(s.asked.keys().next().value!);
  s.asked.set(key, { at: performance.now(), derive });
  if (s.stopListening) return;
  s.stopListening = onTopicsChanged(() => {
    if (s.ahead) s.aheadAgain = true;
    else s.ahead = renderAhead().finally(() => (s.ahead = null));
  });
  s.restTimer = setTimeout(rest, AHEAD_FOR_MS);
  s.restTimer.unref();
}

/** The render ahead running (tests): resolves once it is in memory, or failed. */
export function renderedAhead(): Promise<void> {
  return slot().ahead ?? Promise.resolve();
}

/** Forgets the views not asked for within AHEAD_FOR_MS; with none left, stops listening. */
function forgetOld(s: Slot): boolean {
  const since = performance.now() - AHEAD_FOR_MS;
  for (const [key, a] of s.asked) if (a.at < since) s.asked.delete(key);
  if (s.asked.size > 0) return false;
  s.stopListening?.();
  s.stopListening = null;
  if (s.restTimer) clearTimeout(s.restTimer);
  s.restTimer = null;
  return true;
}

/** Checks again when the newest view asked for would be forgotten. */
function rest() {
  const s = slot();
  s.restTimer = null;
  if (forgetOld(s)) return;
  const newest = Math.max(...[...s.asked.values()].map((a) => a.at));
  s.restTimer = setTimeout(rest, Math.max(1_000, newest + AHEAD_FOR_MS - performance.now()));
  s.restTimer.unref();
}

/**
 * The credentials moved (the change stream tells the tabs now, and they will ask): the list and
 * the views asked for within AHEAD_FOR_MS are rendered at once, while the news travels, so the
 * first tab to ask (one per browser: components/ui/shared-reads.ts) finds them in memory, or joins
 * the read in flight, instead of waiting for the database behind its request. With 100 tabs on
 * the instance's own 2 cores, that request took 190-540 ms (bench/idle-tabs.ts).
 *
 * Once per change, and only what the tabs would ask for anyway: one read of the list, under the
 * stamp this process trusts now (none trusted, as while the database lags: nothing is rendered,
 * the tabs' requests read as before); then the views asked lately (pages of the overview, a
 * credential's page; not the whole list a script may ask for), one per turn of the event loop, while
 * that read is still the list in memory. A change told while one runs is rendered after it, once,
 * under the newest stamp. With no view asked for that long it stops listening (and lets the change
 * watch rest).
 */
async function renderAhead(): Promise<void> {
  const s = slot();
  do {
    s.aheadAgain = false;
    if (forgetOld(s)) return;
    const stamp = trustedStamp(["credentials"], null);
    if (stamp === null || stamp === s.aheadFor) continue;
    try {
      const list = await credentialList();
      if (s.last !== list) continue; // not kept (a write meanwhile): the tabs' requests read it
      let done = true;
      for (const [key, a] of [...s.asked]) {
        if (s.last !== list || s.aheadAgain) {
          done = false;
          break;
        }
        viewIn(list, key, a.derive);
        await new Promise((r) => setImmediate(r));
      }
      // Cut short by a newer change or a write: the next round (or the tabs) render the rest.
      if (done) s.aheadFor = stamp;
    } catch {
      // The database did not answer: the tabs' own requests say so (and are retried).
    }
  } while (s.aheadAgain);
}

/**
 * A view of the list (`key` names it: a page of the overview with its filters), derived by
 * `derive` from the list and the server's time, with an ETag of its content. It is remembered with
 * the list while both stay true (derive says until when its view reads the same by time alone), so
 * the tabs looking at the same page share one derivation and a 304 needs no work at all.
 * `ahead`: a page tabs look at, rendered ahead of their asking after a change (renderAhead).
 */
export async function derivedView<T>(
  key: string,
  derive: (credentials: CredentialView[], atMs: number) => { answer: T; validUntilServerMs: number },
  heard: Partial<Topics> | null = null,
  ahead = false,
): Promise<{ etag: string; answer: T }> {
  if (ahead) noteAsked(key, derive);
  return viewIn(await credentialList(heard), key, derive) as { etag: string; answer: T };
}

/** View `key` of `list`: kept from before while it holds, otherwise derived and kept. */
function viewIn(list: CredentialList, key: string, derive: Derive): View {
  const atMs = now().getTime();
  const kept = list.views.get(key);
  if (kept && atMs < kept.validUntilServerMs) return kept;
  const { answer, validUntilServerMs } = derive(list.credentials, atMs);
  const view = { etag: contentEtag(answer), answer, validUntilServerMs };
  list.views.delete(key);
  if (list.views.size >= MAX_VIEWS) list.views.delete(list.views.keys().next().value!);
  list.views.set(key, view);
  return view;
}

/**
 * The ETag of view `key` when it is known without the database and the client's If-None-Match
 * names it: the client holds exactly what it would be sent. Null when the list must be asked.
 */
export function unchangedEtag(ifNoneMatch: string | null, key: string, heard: Partial<Topics> | null = null): string | null {
  if (!ifNoneMatch) return null;
  const last = slot().last;
  if (!stillTrue(last, trustedStamp(["credentials"], heard))) return null;
  const view = last.views.get(key);
  if (!view || now().getTime() >= view.validUntilServerMs || !matchesEtag(ifNoneMatch, view.etag)) return null;
  // A tab still looks at it (an idle tab's safety refetch): it stays rendered ahead.
  const asked = slot().asked.get(key);
  if (asked) asked.at = performance.now();
  return view.etag;
}
