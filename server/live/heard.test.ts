// Whether this process has seen the stamps a dashboard tab heard (changes.ts knowsHeard).
import { describe, expect, it } from "vitest";
import { knowsHeard } from "./changes";

describe("knowsHeard", () => {
  it("knows a tab that heard nothing; not one that names a stamp this process has not seen", () => {
    expect(knowsHeard(null, ["credentials"])).toBe(true);
    expect(knowsHeard({ credentials: "never.seen" }, ["credentials"])).toBe(false);
    // Only the topics the answer shows count.
    expect(knowsHeard({ audit: "never-seen" }, ["credentials"])).toBe(true);
  });
});
