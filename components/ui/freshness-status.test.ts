import { describe, expect, it } from "vitest";
import { updatedWords } from "./freshness-status";

describe("the header's freshness words", () => {
  it("say just now, then count the seconds since the server's last answer", () => {
    expect(updatedWords(1, false, false)).toEqual({ key: "justNow" });
    expect(updatedWords(3, false, true)).toEqual({ key: "ago", seconds: 3 });
  });

  it("name the database while the server answers without it", () => {
    expect(updatedWords(0, true, false)).toEqual({ key: "databaseDown" });
  });

  it("count the seconds again once the server itself is silent, whatever it last said of its database", () => {
    expect(updatedWords(40, true, true)).toEqual({ key: "ago", seconds: 40 });
  });
});
