import { replaceEqualDeep } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { shareById } from "./share-by-id";

const event = (id: string, detail = `event ${id}`) => ({ id, detail, at: "2026-12-05T03:00:00.000Z" });
/** A list as it comes from the server: new objects every time, even where nothing changed. */
const answer = (...ids: string[]) => ({ serverTime: "t", events: ids.map((id) => event(id)) });

describe("shareById", () => {
  it("keeps every unchanged item when a new one comes first (the default sharing keeps none)", () => {
    const before = answer("3", "2", "1");
    const after = shareById(before, answer("4", "3", "2", "1"));
    expect(after.events.map((e) => e.id)).toEqual(["4", "3", "2", "1"]);
    expect(after.events.slice(1)).toEqual(before.events);
    for (let i = 1; i < 4; i++) expect(after.events[i]).toBe(before.events[i - 1]);
    // What TanStack Query does by default, for comparison: by place, so nothing is kept.
    const byPlace = replaceEqualDeep(before, answer("4", "3", "2", "1"));
    expect(byPlace.events.filter((e) => before.events.includes(e))).toEqual([]);
  });

  it("gives a changed item, and only it, as a new object", () => {
    const before = answer("3", "2", "1");
    const next = answer("3", "2", "1");
    next.events[1] = event("2", "superseded");
    const after = shareById(before, next);
    expect(after).not.toBe(before);
    expect(after.events[0]).toBe(before.events[0]);
    expect(after.events[1]).toEqual(event("2", "superseded"));
    expect(after.events[2]).toBe(before.events[2]);
  });

  it("returns the old answer itself when nothing changed, and follows a new order", () => {
    const before = answer("3", "2", "1");
    expect(shareById(before, answer("3", "2", "1"))).toBe(before);
    const moved = shareById(before, answer("1", "3", "2"));
    expect(moved.events).toEqual([before.events[2], before.events[0], before.events[1]]);
    expect(moved.events[0]).toBe(before.events[2]);
  });

  it("matches by place where ids repeat, and never hands one old item out twice", () => {
    const before = [event("a", "first"), event("a", "second")];
    const after = shareById(before, [event("a", "first"), event("a", "second")]);
    expect(after).toBe(before);
    const changed = shareById(before, [event("a", "second"), event("a", "first")]);
    expect(changed.map((e) => e.detail)).toEqual(["second", "first"]);
    expect(new Set(changed).size).toBe(2);
  });

  it("shares by place where items have no id, and tells a removed key or an undefined one apart", () => {
    const before = { list: [1, 2, 3], a: { x: 1 }, b: undefined as number | undefined };
    const after = shareById(before, { list: [1, 2, 4], a: { x: 1 }, b: undefined });
    expect(after.list).toEqual([1, 2, 4]);
    expect(after.a).toBe(before.a);
    const keys = { a: 1, b: undefined as number | undefined };
    expect(shareById(keys, { a: 1, c: undefined })).not.toBe(keys);
    const removed = { a: 1, b: 2 };
    expect(shareById(removed, { a: 1 })).not.toBe(removed);
    expect(shareById(removed, { a: 1 })).toEqual({ a: 1 });
    expect(shareById([{ id: "a" }], [])).toEqual([]);
  });
});
