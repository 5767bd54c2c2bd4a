import { describe, expect, it } from "vitest";
import { safeNext } from "./safe-next";

describe("safeNext: where sign-in may send the browser", () => {
  it("keeps same-site paths with their query and fragment", () => {
    expect(safeNext("/credentials/abc?from=incident#history")).toBe("/credentials/abc?from=incident#history");
    expect(safeNext("/")).toBe("/");
  });
  it("refuses anything that leaves the site, however it is spelled", () => {
    for (const evil of ["//evil.example", "/\\evil.example", "/\t/evil.example", "/\n/evil.example", "https://evil.example", "evil", "/\u0000x"]) {
      expect(safeNext(evil), JSON.stringify(evil)).toBe("/");
    }
    expect(safeNext(undefined)).toBe("/");
    expect(safeNext(["/a", "/b"])).toBe("/");
  });
});
