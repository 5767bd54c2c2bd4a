// What a dashboard read says its tab heard on the change stream (x-tickethub-heard, changes.ts heardOf).
import { describe, expect, it } from "vitest";
import { HEARD_HEADER, heardOf, knowsHeard } from "./changes";

const request = (value?: string) => new Request("http://127.0.0.1/api/credentials", { headers: value === undefined ? {} : { [HEARD_HEADER]: value } });

describe("heardOf", () => {
  it("reads topic=stamp pairs, and ignores unknown topics and malformed parts", () => {
    expect(heardOf(request("credentials=abc_-1,nonces=Z9"))).toEqual({ credentials: "abc_-1", nonces: "Z9" });
    expect(heardOf(request("credentials=a=b, users=x, alerts=, =y, audit=ok"))).toEqual({ audit: "ok" });
    expect(heardOf(request("alerts=<script>"))).toBeNull();
  });

  it("is null without the header, or with one too long to be ours", () => {
    expect(heardOf(request())).toBeNull();
    expect(heardOf(request(`credentials=${"a".repeat(600)}`))).toBeNull();
  });
});

describe("knowsHeard", () => {
  it("knows a tab that heard nothing; not one that names a stamp this process has not seen", () => {
    expect(knowsHeard(null, ["credentials"])).toBe(true);
    expect(knowsHeard({ credentials: "never-seen" }, ["credentials"])).toBe(false);
    // Only the topics the answer shows count.
    expect(knowsHeard({ audit: "never-seen" }, ["credentials"])).toBe(true);
  });
});
