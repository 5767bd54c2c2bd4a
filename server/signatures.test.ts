import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { compareJsSdkSignature, jsSdkSignature, sortedValuesSignature } from "./signatures";

describe("JS-SDK signature", () => {
  const official = {
    ticket: "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
    nonceStr: "Wm3WZYTPz0wzccnW",
    timestamp: 1414587457,
    url: "http://mp.weixin.qq.com?params=value",
  };

  it("gives the documented signature for WeChat's official example", () => {
    const s = jsSdkSignature(official);
    expect(s.canonical).toBe(
      "jsapi_ticket=sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg&noncestr=Wm3WZYTPz0wzccnW&timestamp=1414587457&url=http://mp.weixin.qq.com?params=value",
    );
    expect(s.signature).toBe("0f9de62fce790f9a083d5c99e95740ceb90c27ed");
  });

  it("drops the #fragment of the URL", () => {
    expect(jsSdkSignature({ ...official, url: `${official.url}#wechat_redirect` }).signature).toBe("0f9de62fce790f9a083d5c99e95740ceb90c27ed");
  });
});

describe("sorted-values signature (FaceID)", () => {
  it("sorts the values, not the keys", () => {
    expect(sortedValuesSignature(["b", "a", "1.0.0"]).canonical).toBe("1.0.0ab");
    expect(sortedValuesSignature(["b", "a"]).signature).toBe(sortedValuesSignature(["a", "b"]).signature);
  });
});

describe("comparing the signature a page sent", () => {
  const base = {
    ticket: "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
    nonceStr: "Wm3WZYTPz0wzccnW",
    timestamp: 1414587457,
    url: "http://mp.weixin.qq.com?params=value",
  };
  const signedAs = (canonical: string) => createHash("sha1").update(canonical).digest("hex");

  it("matches the computed signature, in either case", () => {
    expect(compareJsSdkSignature(base, "0f9de62fce790f9a083d5c99e95740ceb90c27ed")).toEqual({ match: true, cause: null });
    expect(compareJsSdkSignature(base, "0F9DE62FCE790F9A083D5C99E95740CEB90C27ED")).toEqual({ match: true, cause: null });
  });

  it("finds the page that signed its #fragment", () => {
    const url = `${base.url}#top`;
    const page = signedAs(`jsapi_ticket=${base.ticket}&noncestr=${base.nonceStr}&timestamp=${base.timestamp}&url=${url}`);
    expect(compareJsSdkSignature({ ...base, url }, page)).toEqual({ match: false, cause: "fragment" });
  });

  it("finds the page that signed an encoded URL, or a decoded one", () => {
    const encoded = signedAs(`jsapi_ticket=${base.ticket}&noncestr=${base.nonceStr}&timestamp=${base.timestamp}&url=${encodeURIComponent(base.url)}`);
    expect(compareJsSdkSignature(base, encoded)).toEqual({ match: false, cause: "encodedUrl" });
    const url = "https://shop.example.com/a%20b?q=%E4%B8%AD";
    const decoded = signedAs(`jsapi_ticket=${base.ticket}&noncestr=${base.nonceStr}&timestamp=${base.timestamp}&url=https://shop.example.com/a b?q=中`);
    expect(compareJsSdkSignature({ ...base, url }, decoded)).toEqual({ match: false, cause: "decodedUrl" });
  });

  it("finds a timestamp signed in seconds but sent in milliseconds", () => {
    const page = signedAs(`jsapi_ticket=${base.ticket}&noncestr=${base.nonceStr}&timestamp=1414587457&url=${base.url}`);
    expect(compareJsSdkSignature({ ...base, timestamp: 1414587457123 }, page)).toEqual({ match: false, cause: "milliseconds" });
  });

  it("finds nonceStr spelt in camel case inside the signed string", () => {
    const page = signedAs(`jsapi_ticket=${base.ticket}&nonceStr=${base.nonceStr}&timestamp=${base.timestamp}&url=${base.url}`);
    expect(compareJsSdkSignature(base, page)).toEqual({ match: false, cause: "nonceStrSpelling" });
  });

  it("finds the previous ticket, and says nothing when no usual slip explains it", () => {
    const page = signedAs(`jsapi_ticket=old-ticket&noncestr=${base.nonceStr}&timestamp=${base.timestamp}&url=${base.url}`);
    expect(compareJsSdkSignature({ ...base, previousTicket: "old-ticket" }, page)).toEqual({ match: false, cause: "previousTicket" });
    expect(compareJsSdkSignature(base, page)).toEqual({ match: false, cause: null });
  });
});
