// No zod here: the overview imports this and keeps zod/mini out of its first load (sentence-schema.ts has the schema).

/**
 * A sentence the server composes (a refresh reason, a last error, an alert…) as a code and its
 * parameters, so each page renders it in its own language; the plain English text travels beside
 * it for API consumers and logs. `code` is a key under `sentences` in i18n/messages (e.g.
 * "reason.retry"). Parameters by name (the same rules on both ends, server/tickets/sentences.ts
 * and components/ui/sentence.tsx):
 * - a nested sentence (an object): rendered in place, in the same language;
 * - `duration`: seconds, shown as a duration ("5m 00s", "5分00秒"; English on the server: "300 s");
 * - names ending in `At`: an ISO time, shown with <DateTime>;
 * - `failure`: a failure class (bad-config, busy…), shown with its label; `kind`: a kind label;
 * - `text`, `cause`: the vendor's or the system's own words (an errmsg, ECONNREFUSED), never translated;
 * - `endpoint`, `origin`, `contentType`, `prefix`: code-like values, never translated;
 * - anything else: shown as it is (numbers, app names, codes).
 * Nested sentences, times and the never-translated values are tags in the templates (<name></name>),
 * the rest placeholders ({name}).
 */
export type Sentence = { code: string; params: { [name: string]: SentenceParam } };
export type SentenceParam = string | number | Sentence;

/** Parameters shown verbatim, never translated (see above). */
export const VERBATIM = ["text", "cause", "endpoint", "origin", "contentType", "prefix"];

export function sentence(code: string, params: Sentence["params"] = {}): Sentence {
  return { code, params };
}

/** The parameters a template has as tags (<name></name>); the others are placeholders ({name}). */
export function tagsOf(template: string): Set<string> {
  return new Set([...template.matchAll(/<(\w+)>/g)].map((m) => m[1] as string));
}

/**
 * A number for a placeholder: as written ("15000 ms", not ICU's "15,000 ms": the same digits as the
 * stored English), except where the template counts with it ({count, plural, …}).
 */
export function placeholderValue(template: string, name: string, value: string | number): string | number {
  return typeof value === "number" && !template.includes(`{${name}, plural,`) ? String(value) : value;
}

export function isSentence(v: unknown): v is Sentence {
  return typeof v === "object" && v !== null && typeof (v as Sentence).code === "string" && typeof (v as Sentence).params === "object";
}
