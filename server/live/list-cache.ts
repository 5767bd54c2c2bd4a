import "server-only";
import type { CredentialView } from "@/lib/credential-view";
import { now } from "../clock";
import { contentEtag, matchesEtag } from "../http/etag";
import { onCredentialsChanged } from "../events";
import { processSingleton } from "../process-state";
import { FreshFlight } from "../single-flight";
import { type Topics, trustedStamp, watchChanges } from "./changes";
import { keptList } from "./kept-list";

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
 * As a safety net against a change the stamps do not see, it is rendered again at least every
 * MAX_AGE_MS (one render per instance, not per tab; an unchanged render keeps its ETag); a render
 * reads again what may have changed, and every app over a sweep (kept-list.ts).
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
const slot = () =>
  processSingleton<{ last: Rendered | null; writes: number; renders: FreshFlight<Rendered> }>("tickethubListCache", () => {
    // A write in this process (or relayed from the other process of this instance) drops the
    // rendered list at once: whoever just refreshed, failed, or changed an app reads it next.
    // `writes` counts them, so a render that began before one is not remembered after it.
    onCredentialsChanged(() => {
      const s = slot();
      s.last = null;
      s.writes++;
    });
    // Renders of the list: shared by the callers asking meanwhile, each begun after its callers
    // asked (what they heard had changed is in it), one at a time in the process (kept-list.ts
    // updates what it keeps in place).
    return { last: null, writes: 0, renders: new FreshFlight<Rendered>() };
  });

export type CredentialList = { credentials: CredentialView[]; views: Map<string, View> };

function stillTrue(r: Rendered | null, stamp: string | null): r is Rendered {
  return !!r && !!stamp && r.stamp === stamp && now().getTime() < r.validUntilServerMs && Date.now() - r.renderedAt < MAX_AGE_MS;
}

async function render(): Promise<Rendered> {
  // The stamp is taken before reading: a change landing meanwhile moves it, so this render is
  // dropped at the next request rather than trusted past the change. A render read after a tab
  // heard of a change this process has not seen yet holds at least what its stamp says: it is kept
  // under it too.
  const stamp = trustedStamp(["credentials"], null);
  const writes = slot().writes;
  const { credentials, validUntilServerMs } = await keptList();
  const rendered = { stamp: stamp ?? "", credentials, validUntilServerMs, renderedAt: Date.now(), views: new Map<string, View>() };
  if (stamp && slot().writes === writes) slot().last = rendered;
  return rendered;
}

/**
 * The list, from memory while it is still true, otherwise from the database (kept-list.ts: only
 * what may have changed is read again), and remembered. `heard`: the stamps the asking tab heard
 * (changes.ts heardOf); one this process has not seen yet sends it to the database.
 */
export async function credentialList(heard: Partial<Topics> | null = null): Promise<CredentialList> {
  await watchChanges();
  const last = slot().last;
  if (stillTrue(last, trustedStamp(["credentials"], heard))) return last;
  return slot().renders.run("list", render);
}

/**
 * A view of the list (`key` names it: a page of the overview with its filters), derived by
 * `derive` from the list and the server's time, with an ETag of its content. It is remembered with
 * the list while both stay true (derive says until when its view reads the same by time alone), so
 * the tabs looking at the same page share one derivation and a 304 needs no work at all.
 */
export async function derivedView<T>(
  key: string,
  derive: (credentials: CredentialView[], atMs: number) => { answer: T; validUntilServerMs: number },
  heard: Partial<Topics> | null = null,
): Promise<{ etag: string; answer: T }> {
  const list = await credentialList(heard);
  const atMs = now().getTime();
  const kept = list.views.get(key);
  if (kept && atMs < kept.validUntilServerMs) return kept as { etag: string; answer: T };
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
  if (!view || now().getTime() >= view.validUntilServerMs) return null;
  return matchesEtag(ifNoneMatch, view.etag) ? view.etag : null;
}
