import { describe, expect, it } from "vitest";
import { navTarget } from "./nav-links";

const NAV = ["/", "/nonce", "/signatures", "/yzb", "/apps", "/admin", "/audit"];

describe("navTarget: the nav link marked as the current page", () => {
  it("is the page itself, or the one a deeper path sits under", () => {
    expect(navTarget("/", NAV)).toBe("/");
    expect(navTarget("/nonce", NAV)).toBe("/nonce");
    expect(navTarget("/apps/new", NAV)).toBe("/apps");
  });

  it("is the overview for a credential's page, and for a path that only starts like another page", () => {
    expect(navTarget("/credentials/abc", NAV)).toBe("/");
    expect(navTarget("/nonce-archive", NAV)).toBe("/");
  });

  it("is none when the overview is not in the nav either", () => {
    expect(navTarget("/credentials/abc", ["/nonce"])).toBeUndefined();
  });
});
