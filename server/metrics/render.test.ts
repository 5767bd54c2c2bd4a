import { beforeEach, describe, expect, it, vi } from "vitest";
import type { CredentialState } from "../tickets/list-credentials";

// Two apps of two vendors, each with a credential, a quota, an open alert and some traffic.
const APPS = [
  { appRef: "app-wechat", vendor: "wechat", appId: "wx000000000000demo" },
  { appRef: "app-feishu", vendor: "feishu", appId: "cli_demo000000000000" },
];
const creds = APPS.map(
  (a) =>
    ({
      ...a,
      kind: "jsapi_ticket",
      status: "active",
      generation: 4,
      consecutiveFailures: 0,
      nextRefreshAt: "2030-01-01T00:00:00.000Z",
      expiresAt: "2030-01-01T01:00:00.000Z",
      quota: { endpoint: `${a.vendor} token`, used: 7, limit: 2000 },
    }) as CredentialState,
);
const alerts = [
  { kind: "expiring", appRef: "app-wechat" },
  { kind: "quota", appRef: "app-feishu" },
  { kind: "quota", appRef: "app-feishu" },
  { kind: "invalid-credential", appRef: "app-feishu" },
];
const groupBy = vi.fn(async (args: { by: string[]; where: { appRef?: { in: string[] } } }) => {
  const rows = alerts.filter((a) => !args.where.appRef || args.where.appRef.in.includes(a.appRef));
  const key = (r: (typeof rows)[number]) => args.by.map((b) => r[b as keyof typeof r]).join("|");
  return [...new Map(rows.map((r) => [key(r), r])).values()].map((r) => ({
    kind: r.kind,
    appRef: r.appRef,
    _count: { _all: rows.filter((x) => key(x) === key(r)).length },
  }));
});
vi.mock("./states", () => ({ currentStates: async () => creds }));
vi.mock("../db", () => ({ getDb: () => ({ alert: { groupBy } }) }));
vi.mock("../config", () => ({ getConfig: () => ({ instanceId: "test-1" }) }));

const { metricLines, metricsBody, renderMetrics } = await import("./render");
const { countRefresh, countUpstreamCall, countAlertSent } = await import("./registry");

const sample = (text: string, name: string, labels: string) => text.split("\n").find((l) => l.startsWith(`${name}{${labels}}`));

describe("renderMetrics", () => {
  beforeEach(() => {
    for (const vendor of ["wechat", "feishu"]) {
      countRefresh({ vendor, kind: "jsapi_ticket", outcome: "success", class: "ok" });
      countUpstreamCall({ vendor, endpoint: `${vendor} token`, status: "ok" }, 0.02);
    }
    countAlertSent({ kind: "quota", status: "firing", outcome: "ok" });
  });

  it("shows a key scoped to one app nothing of the other app: no app id, quota, alert or vendor counter", async () => {
    const text = await renderMetrics({ apps: new Set(["app-wechat"]) });
    expect(text).toContain('app_id="wx000000000000demo"');
    expect(text).not.toContain("cli_demo000000000000");
    expect(text).not.toContain("feishu");
    expect(sample(text, "tickethub_alerts_open", 'kind="expiring"')).toMatch(/ 1$/);
    expect(sample(text, "tickethub_alerts_open", 'kind="quota"')).toMatch(/ 0$/);
    expect(text).not.toMatch(/^tickethub_alert_notifications_total\{/m);
    // This instance's counters keep their totals; other vendors are folded into "other".
    expect(text).toMatch(/^tickethub_refreshes_total\{vendor="wechat",kind="jsapi_ticket",outcome="success",class="ok"\} \d+$/m);
    expect(text).toMatch(/^tickethub_refreshes_total\{vendor="other",kind="other",outcome="success",class="ok"\} \d+$/m);
    expect(text).toMatch(/^tickethub_upstream_latency_seconds_count\{vendor="other",endpoint="other"\} \d+$/m);
    // Process-wide series stay.
    expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);
    expect(text).toMatch(/^tickethub_lease_takeovers_total /m);
  });

  it("shows a key with no apps in scope no app at all", async () => {
    const text = await renderMetrics({ apps: new Set() });
    for (const a of APPS) expect(text).not.toContain(a.appId);
    expect(text).not.toMatch(/vendor="(wechat|feishu)"/);
  });

  it("shows a signed-in dashboard user everything", async () => {
    const text = await renderMetrics({ apps: "all" });
    for (const a of APPS) expect(text).toContain(`app_id="${a.appId}"`);
    expect(sample(text, "tickethub_alerts_open", 'kind="quota"')).toMatch(/ 2$/);
    // Every kind the alert check raises, not only the first three (a refused credential was never counted).
    expect(sample(text, "tickethub_alerts_open", 'kind="invalid-credential"')).toMatch(/ 1$/);
    expect(sample(text, "tickethub_alerts_open", 'kind="bad-config"')).toMatch(/ 0$/);
    expect(text).toMatch(/^tickethub_alert_notifications_total\{/m);
    expect(text).toMatch(/^tickethub_refreshes_total\{vendor="feishu"/m);
  });

  it("counts the Next server's refreshes and memory when the read plane renders (the scheduler runs there)", async () => {
    const peer = {
      name: "next",
      registry: {
        refreshes: [{ labels: { vendor: "wechat", kind: "jsapi_ticket", outcome: "success", class: "ok" }, value: 1000 }],
        upstreamCalls: [],
        upstreamLatency: [],
        leaseTakeovers: [{ labels: {}, value: 3 }],
        alertsSent: [],
      },
      memory: { rss: 200 * 2 ** 20, heapUsed: 50 * 2 ** 20 },
    };
    const alone = await renderMetrics({ apps: "all" }, "read-plane");
    const both = await renderMetrics({ apps: "all" }, "read-plane", [peer]);
    const refreshes = (text: string) =>
      Number(sample(text, "tickethub_refreshes_total", 'vendor="wechat",kind="jsapi_ticket",outcome="success",class="ok"')!.split(" ")[1]);
    expect(refreshes(both) - refreshes(alone)).toBe(1000);
    expect(both).toMatch(/^tickethub_lease_takeovers_total 3$/m);
    expect(both).toMatch(/^tickethub_process_resident_memory_bytes\{process="next"\} 209715200$/m);
    const rss = (text: string, name: string) => Number(new RegExp(`^${name} (\\d+)$`, "m").exec(text)![1]);
    expect(both).toMatch(/^tickethub_process_resident_memory_bytes\{process="read-plane"\} \d+$/m);
    expect(rss(both, "process_resident_memory_bytes")).toBeGreaterThan(200 * 2 ** 20);
  });

  it("streams a fleet's scrape in chunks far below V8's large-object size, made as they are read, the same text as at once", async () => {
    // Thousands of apps: ~35,000 lines, ~4 MB.
    const many = Array.from({ length: 6000 }, (_, i) => ({ ...creds[i % 2]!, appId: `wx${String(i).padStart(16, "0")}` }));
    creds.push(...many);
    try {
      const whole = await renderMetrics({ apps: "all" });
      let made = 0;
      const lines = await metricLines({ apps: "all" });
      const counted = (function* () {
        for (const line of lines) {
          made++;
          yield line;
        }
      })();
      const reader = metricsBody(counted).getReader();
      const first = await reader.read();
      // The first chunk is there before most of the text is made (the stream pulls a chunk ahead at most).
      expect(made).toBeLessThan(whole.split("\n").length / 10);
      const chunks = [first.value!];
      // Read as a socket whose writes complete at once reads it: other work (a consumer read, a
      // timer) still gets the event loop between chunks, not only once the whole text is made.
      let turns = 0;
      const other = setInterval(() => turns++, 0);
      try {
        for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
      } finally {
        clearInterval(other);
      }
      expect(chunks.length).toBeGreaterThan(50);
      expect(turns).toBeGreaterThan(chunks.length / 10);
      expect(Math.max(...chunks.map((c) => c.byteLength))).toBeLessThan(64 * 1024);
      // The same text but for the memory figures, read as each is made.
      const memoryAsN = (text: string) =>
        text.replace(/^((?:process_resident_memory_bytes|nodejs_heap_used_bytes|tickethub_process_resident_memory_bytes)\S*) \d+$/gm, "$1 N");
      expect(memoryAsN(Buffer.concat(chunks).toString("utf8"))).toBe(memoryAsN(whole));
    } finally {
      creds.splice(2);
    }
  });
});
