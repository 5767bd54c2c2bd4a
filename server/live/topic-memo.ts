import "server-only";
import { onAlertsChanged, onNoncesChanged } from "../events";
import { processSingleton } from "../process-state";
import { FreshFlight } from "../single-flight";
import { type Topic, type Topics, trustedStamp, watchChanges } from "./changes";
import { contentEtag, matchesEtag } from "../http/etag";

/**
 * Answers that are the same for every signed-in user (the alert list, the audit log), kept in
 * memory with an ETag while the change stamps (changes.ts) of the topics they show stand, so that
 * every open tab's refetch of an unchanged answer is a 304 without a database query, as the
 * credential list's is.
 *
 * A kept answer is dropped when one of its topics' stamps moves (another instance's write, within
 * a poll), at once when this process changes alerts or NONCE tickets (events.ts), when time alone
 * would change it (`validUntilMs`: a silence ends, a ticket expires), and after MAX_AGE_MS in any
 * case: what the stamps do not see
 * (an alert's delivery result written by another instance) is re-read once per instance, not once
 * per tab.
 */
const MAX_AGE_MS = 15_000;
/** Answers kept at once (the audit log's, one per target asked for); a new one beyond this drops the oldest. */
const MAX_KEPT = 64;

type Kept = { stamp: string; etag: string; answer: unknown; validUntilMs: number; renderedAt: number };

const slot = () =>
  processSingleton("tickethubTopicMemo", () => {
    const forget = () => {
      const s = slot();
      s.kept.clear();
      s.writes++;
    };
    onAlertsChanged(forget);
    onNoncesChanged(forget);
    return { kept: new Map<string, Kept>(), writes: 0 };
  });

export type MemoSpec<T> = {
  /** Names the answer (one per route and query). */
  key: string;
  /** The topics whose stamps say when it may have changed. */
  topics: readonly Topic[];
  /** Reads the answer, and until when (Date.now() ms) it reads the same by time alone. */
  render: () => Promise<{ answer: T; validUntilMs: number }>;
  /** The stamps the asking tab heard (changes.ts heardOf): one this process has not seen yet sends it to the database. */
  heard?: Partial<Topics> | null;
};

/** Renders for tabs that heard of a change this process has not seen: shared by those asking meanwhile, each begun after its callers asked. */
const unseen = new FreshFlight<{ answer: unknown; validUntilMs: number }>();

function stillTrue(kept: Kept | undefined, stamp: string | null): kept is Kept {
  const at = Date.now();
  return !!kept && !!stamp && kept.stamp === stamp && at < kept.validUntilMs && at - kept.renderedAt < MAX_AGE_MS;
}

/** The answer and its ETag: from memory while it stands, otherwise rendered (and kept). */
export async function memoAnswer<T>({ key, topics, render, heard = null }: MemoSpec<T>): Promise<{ etag: string; answer: T }> {
  await watchChanges();
  // The stamp is taken before reading: a change landing meanwhile moves it, so this render is
  // dropped at the next request rather than trusted past the change.
  const stamp = trustedStamp(topics, heard);
  const kept = slot().kept.get(key);
  if (stillTrue(kept, stamp)) return kept as { etag: string; answer: T };
  const writes = slot().writes;
  const { answer, validUntilMs } = (stamp === null && heard ? await unseen.run(key, render) : await render()) as Awaited<ReturnType<typeof render>>;
  const etag = contentEtag(answer);
  const { kept: all } = slot();
  if (stamp && slot().writes === writes) {
    all.delete(key);
    if (all.size >= MAX_KEPT) all.delete(all.keys().next().value!);
    all.set(key, { stamp, etag, answer, validUntilMs, renderedAt: Date.now() });
  }
  return { etag, answer };
}

/**
 * The kept answer's ETag when it still stands and If-None-Match names it (the client holds exactly
 * it): a 304 needs nothing else. Null when the answer must be read.
 */
export function unchangedMemoEtag(ifNoneMatch: string | null, key: string, topics: readonly Topic[], heard: Partial<Topics> | null = null): string | null {
  if (!ifNoneMatch) return null;
  const kept = slot().kept.get(key);
  if (!stillTrue(kept, trustedStamp(topics, heard))) return null;
  return matchesEtag(ifNoneMatch, kept.etag) ? kept.etag : null;
}
