import { describe, expect, it } from "vitest";
import { navTarget } from "./nav-links";

const NAV = ["/", "/nonce", "/signatures", "/yzb", "/apps", "/admin", "/audit"];

describe("navTarget: the nav link marked as the current page", () => {
  it("is the page itself, or the one a deeper path sits under", () => {
    expect(navTarget("/", NAV)).toBe("/");
    expect(navTarget("/nonce", NAV)).toBe("/nonce");
    expect(navTarget("/apps/new", NAV)).toBe("/apps");
  });

  it("is the overview for a credential's page", () => {
    expect(navTarget("/credentials/abc", NAV)).toBe("/");
  });

  it("is none for a page the nav does not offer (the role may not open it), or one that only starts like another", () => {
    expect(navTarget("/nonce", ["/", "/audit"])).toBeUndefined();
    expect(navTarget("/nonce-archive", NAV)).toBeUndefined();
  });
});
