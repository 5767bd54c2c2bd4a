import { describe, expect, it } from "vitest";
import { formatHeard, parseHeard } from "./heard-stamps";

describe("the stamps a tab heard, as a header", () => {
  it("reads topic=stamp pairs (stamps of dotted parts), and leaves out unknown topics and malformed parts", () => {
    expect(parseHeard("credentials=abc_-1.Zq9,nonces=Z9")).toEqual({ credentials: "abc_-1.Zq9", nonces: "Z9" });
    expect(parseHeard("credentials=a=b, users=x, alerts=, =y, audit=ok, keys=a..b")).toEqual({ audit: "ok" });
    expect(parseHeard("alerts=<script>")).toBeNull();
  });

  it("is null without a value, or with one too long to be ours", () => {
    expect(parseHeard(null)).toBeNull();
    expect(parseHeard("")).toBeNull();
    expect(parseHeard(`credentials=${"a".repeat(600)}`)).toBeNull();
  });

  it("reads back what it writes", () => {
    const stamps = { alerts: "a1", apps: "b2", audit: "c3", credentials: "d4.e5", keys: "f6", nonces: "g7" };
    expect(parseHeard(formatHeard(stamps))).toEqual(stamps);
    expect(formatHeard({})).toBeNull();
  });
});
