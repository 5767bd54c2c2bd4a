import { describe, expect, it } from "vitest";
import en from "./messages/en.json";
import zh from "./messages/zh-CN.json";

type Tree = { [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    if (typeof v === "string") out.set(prefix + k, v);
    else for (const [kk, vv] of leaves(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)/g)].map((m) => m[1]).sort();

describe("messages", () => {
  const enLeaves = leaves(en);
  const zhLeaves = leaves(zh);
  it("Chinese has every English key and no other", () => {
    expect([...zhLeaves.keys()].sort()).toEqual([...enLeaves.keys()].sort());
  });
  it("each translation keeps the English placeholders", () => {
    for (const [key, text] of enLeaves) expect({ key, p: placeholders(zhLeaves.get(key) ?? "") }).toEqual({ key, p: placeholders(text) });
  });
});
