import { describe, expect, it } from "vitest";
import { contentEtag, matchesEtag } from "./etag";

describe("matchesEtag", () => {
  it("reads If-None-Match lists, weak tags and *", () => {
    expect(matchesEtag('"a", W/"b"', '"b"')).toBe(true);
    expect(matchesEtag("*", '"b"')).toBe(true);
    expect(matchesEtag('"a"', '"b"')).toBe(false);
    expect(matchesEtag(null, '"b"')).toBe(false);
  });
});

describe("contentEtag", () => {
  it("names the content: equal JSON, equal tags; any change, another tag", () => {
    expect(contentEtag({ a: [1, 2] })).toBe(contentEtag({ a: [1, 2] }));
    expect(contentEtag({ a: [1, 2] })).not.toBe(contentEtag({ a: [2, 1] }));
    expect(contentEtag({ a: 1 })).toMatch(/^"[\w-]{27}"$/);
  });
});
