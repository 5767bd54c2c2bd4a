import { createHash } from "node:crypto";

/** An ETag naming `content` (its JSON): the same content, the same tag, on every instance. */
export const contentEtag = (content: unknown) => `"${createHash("sha256").update(JSON.stringify(content)).digest("base64url").slice(0, 27)}"`;

/** Whether an If-None-Match header names `etag` (a list of tags, `*`, weak or strong). */
export function matchesEtag(ifNoneMatch: string | null | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(",").some((t) => {
    const tag = t.trim().replace(/^W\//, "");
    return tag === "*" || tag === etag;
  });
}
