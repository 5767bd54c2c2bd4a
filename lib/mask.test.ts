import { describe, expect, it } from "vitest";
import { maskValue } from "./mask";

describe("maskValue", () => {
  it("keeps four characters at each end of a long value", () => {
    const v = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg";
    expect(maskValue(v)).toBe("sM4A••••••P7qg");
    expect(maskValue(v)).not.toContain("DxkX");
  });

  it("hides a short value completely", () => {
    expect(maskValue("abc123")).toBe("••••••");
  });
});
