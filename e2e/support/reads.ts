import { expect, type Page, type Request } from "@playwright/test";

/**
 * Every read a page makes from now on of the paths `labelOf` names (null: not watched), each answer
 * written as "<label> <status> etag|no etag" (whether the request named an ETag: If-None-Match).
 */
export function watchReads(page: Page, labelOf: (path: string) => string | null) {
  const inFlight = new Set<Request>();
  const answers: string[] = [];
  page.on("request", (r) => void (labelOf(new URL(r.url()).pathname) !== null && inFlight.add(r)));
  page.on("requestfinished", (r) => void inFlight.delete(r));
  page.on("requestfailed", (r) => void inFlight.delete(r));
  page.on("response", (r) => {
    const label = labelOf(new URL(r.url()).pathname);
    if (label !== null) answers.push(`${label} ${r.status()} ${r.request().headers()["if-none-match"] ? "etag" : "no etag"}`);
  });
  return {
    answers,
    /** Until no watched read is in flight. */
    settled: () => expect.poll(() => inFlight.size, { timeout: 10_000 }).toBe(0),
    /** The answers that were not a bodiless 304 to a request naming an ETag. */
    notConfirmed: () => answers.filter((a) => !a.endsWith(" 304 etag")),
  };
}
