import { describe, expect, it } from "vitest";
import { jsSdkSignature, sortedValuesSignature } from "./signatures";

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
