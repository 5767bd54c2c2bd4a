/**
 * The change stamps a dashboard tab heard last on its stream, as its reads name them to the server
 * (`x-tickethub-heard: credentials=…,nonces=…`). Behind a round-robin load balancer the stream and a
 * read may reach different instances; one that has not seen those stamps yet answers from its
 * database rather than with a 304 from memory (server/live/changes.ts knowsHeard). Untrusted input:
 * the front door lets it in (server/http/front-door.ts) and parseHeard keeps only what it can be.
 */
export const HEARD_HEADER = "x-tickethub-heard";

export const LIVE_TOPICS = ["credentials", "apps", "keys", "nonces", "audit", "alerts"] as const;
export type LiveTopic = (typeof LIVE_TOPICS)[number];

const TOPIC_NAMES = new Set<string>(LIVE_TOPICS);
/** A stamp: one or more parts of base64url, joined by dots (server/live/changes.ts topics). */
const STAMP = /^[\w-]{1,32}(?:\.[\w-]{1,32}){0,3}$/;

/** The header's value for `stamps` (null when there are none). */
export function formatHeard(stamps: Record<string, string>): string | null {
  const parts = Object.entries(stamps)
    .filter(([topic, stamp]) => TOPIC_NAMES.has(topic) && STAMP.test(stamp))
    .map(([topic, stamp]) => `${topic}=${stamp}`);
  return parts.length ? parts.join(",") : null;
}

/** The stamps a header names; unknown topics and malformed parts are left out. Null without any. */
export function parseHeard(raw: string | null | undefined): Partial<Record<LiveTopic, string>> | null {
  if (!raw || raw.length > 512) return null;
  const heard: Partial<Record<LiveTopic, string>> = {};
  for (const part of raw.split(",")) {
    const [topic, stamp, extra] = part.trim().split("=");
    if (topic && stamp && extra === undefined && TOPIC_NAMES.has(topic) && STAMP.test(stamp)) heard[topic as LiveTopic] = stamp;
  }
  return Object.keys(heard).length ? heard : null;
}
