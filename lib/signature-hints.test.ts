import { describe, expect, it } from "vitest";
import { jsSdkHints } from "./signature-hints";

const warnings = (url: string, timestamp = "1414587457") =>
  jsSdkHints({ url, nonceStr: "n", timestamp })
    .filter((h) => h.level === "warning")
    .map((h) => h.text);

describe("jsSdkHints", () => {
  it("stays quiet about a clean URL, but always explains the nonceStr spelling", () => {
    expect(warnings("http://mp.weixin.qq.com?params=value")).toEqual([]);
    expect(
      jsSdkHints({ url: "http://a.b/", nonceStr: "n", timestamp: "1" })
        .map((h) => h.text)
        .join(),
    ).toMatch(/noncestr .* nonceStr/);
  });
  it("warns about a fragment and says what is signed instead", () => {
    expect(warnings("https://a.example/page?x=1#top")[0]).toMatch(/signature is for https:\/\/a\.example\/page\?x=1\./);
  });
  it("warns about percent-encoding, raw spaces or non-ASCII, and millisecond timestamps", () => {
    expect(warnings("https://a.example/p?q=%E4%BD%A0")).toHaveLength(1);
    expect(warnings("https://a.example/p?q=你好")[0]).toMatch(/percent-encodes/);
    expect(warnings("https://a.example/", "1414587457000")[0]).toMatch(/milliseconds/);
  });
});
