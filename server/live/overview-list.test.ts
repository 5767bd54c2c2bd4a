import { describe, expect, it } from "vitest";
import type { CredentialView } from "@/lib/credential-view";
import { credentialView } from "@/test-support/credential-view";
import { healthOf } from "@/lib/health";
import { overviewOf, overviewQuerySchema, overviewRequestOf, viewKey } from "./overview-list";

const NOW = Date.parse("2026-11-22T08:00:00Z");
const at = (s: number) => new Date(NOW + s * 1000).toISOString();

let n = 0;
function cred(over: Partial<CredentialView> = {}): CredentialView {
  n++;
  return credentialView(at, { id: `c${n}`, appRef: `a${n}`, appId: `wx${n}`, appName: `App ${String(n).padStart(3, "0")}`, ...over });
}

// 120 healthy credentials in the server's order (by app), and three that need attention near the end.
const healthy = Array.from({ length: 120 }, () => cred());
const expiring = cred({ appName: "Zz expiring", current: { ...healthy[0]!.current!, expiresAt: at(200) } });
const broken = cred({
  appName: "Zz broken",
  status: "failing",
  impact: { state: "broken", atRisk: true, breaksAt: null, refreshPossibleAt: null, blockedBy: "bad app id", attention: 0 },
});
const feishu = cred({ vendor: "feishu", vendorLabel: "Feishu", appName: "Zz feishu", kind: "access_token", kindLabel: "Access token" });
const yzb = cred({ vendor: "yzb", vendorLabel: "yzb", appName: "Zz yzb", kind: "access_token", kindLabel: "Server access token" });
const all = [...healthy, expiring, broken, feishu, yzb];

const ask = (query: Record<string, string>) => overviewQuerySchema.parse(query);

describe("overviewOf: one page of the overview from the whole list", () => {
  it("puts what needs attention first and pages the rest in the server's order", () => {
    const first = overviewOf(all, ask({ limit: "50" }), NOW).answer;
    expect(first.credentials).toHaveLength(50);
    expect(first.credentials.slice(0, 2).map((c) => c.appName)).toEqual(["Zz broken", "Zz expiring"]);
    expect(first.credentials[2]!.appName).toBe("App 001");
    expect(first.page).toEqual({ number: 1, size: 50, matching: 124, pages: 3 });
    const pages = [1, 2, 3].flatMap((page) => overviewOf(all, ask({ limit: "50", page: String(page) }), NOW).answer.credentials.map((c) => c.id));
    expect(new Set(pages).size).toBe(124);
  });

  it("counts every credential by health whatever the filters and the page, and carries the most urgent", () => {
    const page = overviewOf(all, ask({ limit: "10", page: "3", vendor: "feishu" }), NOW).answer;
    expect(page.credentials.map((c) => c.id)).toEqual([feishu.id]); // page 3 of 1: the last page
    expect(page.page).toEqual({ number: 1, size: 10, matching: 1, pages: 1 });
    expect(page.totals).toMatchObject({ healthy: 122, failing: 1, expiring: 1 });
    expect(Object.values(page.totals).reduce((a, b) => a + b, 0)).toBe(124);
    expect(page.attention.map((c) => c.appName)).toEqual(["Zz broken", "Zz expiring"]);
    expect(page.vendors).toEqual([
      { vendor: "wechat", label: "WeChat" },
      { vendor: "feishu", label: "Feishu" },
      { vendor: "yzb", label: "yzb" },
    ]);
  });

  it("answers the last page for a page past the end, and every credential without a limit", () => {
    expect(overviewOf(all, ask({ limit: "50", page: "9" }), NOW).answer.page).toEqual({ number: 3, size: 50, matching: 124, pages: 3 });
    const everything = overviewOf(all, ask({}), NOW).answer;
    expect(everything.credentials).toHaveLength(124);
    expect(everything.page).toEqual({ number: 1, size: 124, matching: 124, pages: 1 });
  });

  it("filters by vendor and by the health the overview shows, on the server's clock", () => {
    expect(overviewOf(all, ask({ vendor: "yzb" }), NOW).answer.credentials.map((c) => c.id)).toEqual([yzb.id]);
    expect(overviewOf(all, ask({ health: "expiring" }), NOW).answer.credentials.map((c) => c.id)).toEqual([expiring.id]);
    // 200 s later the expiring one has expired, and so it is listed there.
    const later = NOW + 201_000;
    expect(healthOf(expiring, later, 0)).toBe("expired");
    expect(overviewOf(all, ask({ health: "expired" }), later).answer.credentials.map((c) => c.id)).toEqual([expiring.id]);
  });

  it("searches app names, app ids, vendors and credential names in both languages, ignoring case", () => {
    const found = (q: string) => overviewOf(all, ask({ q }), NOW).answer.credentials.map((c) => c.appName);
    expect(found("zz BROKEN")).toEqual(["Zz broken"]);
    expect(found(`wx${broken.id.slice(1)}`)).toEqual(["Zz broken"]);
    expect(found("feishu")).toEqual(["Zz feishu"]);
    expect(found("服务端")).toEqual(["Zz yzb"]); // "Server access token" in Chinese
    expect(found("server access")).toEqual(["Zz yzb"]);
    expect(found("nothing like this")).toEqual([]);
  });

  it("says until when its grouping holds: the first moment time moves a credential to another health", () => {
    const { answer, validUntilServerMs } = overviewOf(all, ask({ limit: "50" }), NOW);
    // The expiring value expires (its seconds run out) before anything else happens.
    expect(validUntilServerMs).toBe(NOW + 199_000);
    expect(answer.validUntil).toBe(at(199));
    expect(overviewOf([broken], ask({}), NOW).answer.validUntil).toBeNull();
  });
});

describe("one app's credentials (the credential page)", () => {
  it("are that app's only, its totals and attention too: what happens to other apps does not change the answer", () => {
    const mine = [cred({ appRef: "shared", kind: "access_token" }), cred({ appRef: "shared", kind: "jsapi_ticket" })];
    const answer = overviewOf([...all, ...mine], ask({ app: "shared" }), NOW).answer;
    expect(answer.credentials.map((c) => c.id).sort()).toEqual(mine.map((c) => c.id).sort());
    expect(answer.totals).toMatchObject({ healthy: 2, failing: 0, expiring: 0 });
    expect(answer.attention).toEqual([]);
    // Another app's credential expiring meanwhile leaves this answer as it was.
    const later = overviewOf([...all.filter((c) => c !== expiring), ...mine], ask({ app: "shared" }), NOW).answer;
    expect(later).toEqual(answer);
    expect(viewKey(ask({ app: "shared" }))).not.toBe(viewKey(ask({})));
  });
});

describe("the overview's query", () => {
  it("refuses what it does not know, naming the parameter and the rule", () => {
    const issue = (query: Record<string, string>) => {
      const r = overviewQuerySchema.safeParse(query);
      return r.success ? null : `${String(r.error.issues[0]!.path[0] ?? r.error.issues[0]!.code)}: ${r.error.issues[0]!.message}`;
    };
    expect(issue({ page: "0" })).toBe("page: must be a whole number from 1 to 1000000");
    expect(issue({ limit: "501" })).toBe("limit: must be a whole number from 1 to 500");
    expect(issue({ health: "sick" })).toMatch(/^health: must be one of failing, at-risk/);
    expect(issue({ vendor: "acme" })).toMatch(/^vendor: must be one of .*wechat/);
    expect(issue({ q: "x".repeat(201) })).toBe("q: must be at most 200 characters");
    expect(issue({ app: "x".repeat(65) })).toBe("app: must be at most 64 characters");
    expect(issue({ sort: "name" })).toBe('unrecognized_keys: Unrecognized key: "sort"');
  });

  it("names the same view for the same question, however it is spelled", () => {
    expect(viewKey(ask({ q: " Demo " }))).toBe(viewKey(ask({ q: "demo", page: "1" })));
    expect(viewKey(ask({ limit: "50" }))).not.toBe(viewKey(ask({})));
    expect(viewKey(overviewRequestOf({ page: 2, q: " x ", vendor: "wechat", health: "" }))).toBe(
      viewKey(ask({ page: "2", q: "x", vendor: "wechat", limit: "50" })),
    );
  });
});
