import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { apiSession, gotoSignedIn } from "./support/auth";
import { startStack, type Stack } from "./support/stack";

// The fast read path next to the route handler, /api/metrics for Prometheus, and alert webhooks.

const WECHAT = "wx000000000000demo";
const READ = `/api/v1/apps/wechat/${WECHAT}/jsapi_ticket`;

type Hook = { status: string; kind: string; message: string; alertId: string };

test.describe("ops: fast reads, metrics, alerts", () => {
  let stack: Stack;
  let receiver: http.Server;
  const hooks: Hook[] = [];
  let key: string;

  test.beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        if (req.url === "/hook") hooks.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    const hookHost = `127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    // A loopback http receiver is refused unless the operator lists its host.
    stack = await startStack({
      env: {
        TICKETHUB_ALERT_WEBHOOK_URL: `http://${hookHost}/hook`,
        TICKETHUB_ALLOWED_WEBHOOK_HOSTS: hookHost,
        TICKETHUB_ALERT_INTERVAL_MS: "300",
        TICKETHUB_ALERT_FAILURES: "1",
      },
    });
    const admin = await apiSession(stack.baseUrl, "admin");
    const apps = (await (await admin.fetch("/api/apps")).json()).apps as { id: string; appId: string }[];
    key = (
      await (
        await admin.fetch("/api/keys", { method: "POST", body: JSON.stringify({ name: "ops", appRefs: [apps.find((a) => a.appId === WECHAT)!.id] }) })
      ).json()
    ).key;
  });
  test.afterAll(async () => {
    await stack?.stop();
    receiver?.close();
  });

  test("a cached read and the route handler answer alike: same body shape, value, ETag and 304", async () => {
    const get = (headers: Record<string, string> = {}) => fetch(`${stack.baseUrl}${READ}`, { headers: { authorization: `Bearer ${key}`, ...headers } });
    // The cache is filled within a poll interval of the start.
    await expect.poll(async () => (await get()).headers.get("x-tickethub-path"), { timeout: 5_000 }).toBe("fast");
    const fast = await get();
    const route = await get({ "cache-control": "no-cache" });
    expect(route.headers.get("x-tickethub-path")).toBe("route");
    const [a, b] = [await fast.json(), await route.json()];
    expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
    expect({ ...a, servedAt: 0, remainingSeconds: 0 }).toEqual({ ...b, servedAt: 0, remainingSeconds: 0 });
    expect(Math.abs(a.remainingSeconds - b.remainingSeconds)).toBeLessThanOrEqual(1);
    expect(fast.headers.get("etag")).toBe(route.headers.get("etag"));
    for (const extra of [{}, { "cache-control": "no-cache" }] as Record<string, string>[]) {
      const again = await get({ "if-none-match": fast.headers.get("etag")!, ...extra });
      expect(again.status).toBe(304);
    }
    // Refusals always come from the route handler: another app, an unknown key.
    const other = await fetch(`${stack.baseUrl}/api/v1/apps/feishu/cli_demo000000000000/jsapi_ticket`, { headers: { authorization: `Bearer ${key}` } });
    expect(other.status).toBe(403);
    expect(other.headers.get("x-tickethub-path")).toBeNull();
    // A refresh elsewhere reaches the cache within a poll.
    const admin = await apiSession(stack.baseUrl, "admin");
    const creds = (await (await admin.fetch("/api/credentials")).json()).credentials as { id: string; appId: string; kind: string }[];
    const id = creds.find((c) => c.appId === WECHAT && c.kind === "jsapi_ticket")!.id;
    expect((await admin.fetch(`/api/credentials/${id}/refresh`, { method: "POST" })).status).toBe(200);
    const t0 = Date.now();
    await expect.poll(async () => (await (await get()).json()).generation, { timeout: 2_000, intervals: [25] }).toBe(a.generation + 1);
    console.log(`fast path: the new generation was served ${Date.now() - t0} ms after the refresh`);
  });

  test("the instance has one name: a refresh in flight is 'refreshing on' the instance /api/health and /api/metrics name", async () => {
    const health = await (await fetch(`${stack.baseUrl}/api/health`)).json();
    const metrics = await (await fetch(`${stack.baseUrl}/api/metrics`, { headers: { authorization: `Bearer ${key}` } })).text();
    expect(metrics).toContain(`tickethub_instance_info{instance_id="${health.instance}"} 1`);
    const operator = await apiSession(stack.baseUrl, "operator");
    const ticket = ((await (await operator.fetch("/api/credentials")).json()).credentials as { id: string; vendor: string; kind: string }[]).find(
      (c) => c.vendor === "wechat" && c.kind === "jsapi_ticket",
    )!;
    // The vendor takes 6 s to answer (under the 10 s vendor timeout): the Refresh (made by the Next
    // server behind the read plane) holds its lease meanwhile, long enough to be seen on a busy machine.
    await fetch(`${stack.sandboxUrl}/__sandbox/faults`, {
      method: "POST",
      body: JSON.stringify({ endpoint: "wechat /cgi-bin/ticket/getticket", latencyMs: 6_000, times: 1 }),
    });
    const refreshed = operator.fetch(`/api/credentials/${ticket.id}/refresh`, { method: "POST", body: "{}" });
    try {
      let holder: string | null = null;
      await expect
        .poll(
          async () => {
            const list = (await (await operator.fetch("/api/credentials")).json()).credentials as { id: string; lease: { instance: string } | null }[];
            holder = list.find((c) => c.id === ticket.id)?.lease?.instance ?? null;
            return holder;
          },
          { timeout: 5_000, intervals: [100] },
        )
        .not.toBeNull();
      expect(holder).toBe(health.instance);
    } finally {
      expect((await refreshed).status).toBe(200);
      await fetch(`${stack.sandboxUrl}/__sandbox/faults`, { method: "DELETE" });
    }
  });

  test("/api/metrics parses as Prometheus text and has the credential, refresh, upstream, quota, lease and alert series", async () => {
    const res = await fetch(`${stack.baseUrl}/api/metrics`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    const families = parsePrometheusTextFormat(await res.text()) as {
      name: string;
      type: string;
      metrics: { labels?: Record<string, string>; value?: string; buckets?: Record<string, string> }[];
    }[];
    const family = (name: string) => families.find((f) => f.name === name);
    const expected: [string, string][] = [
      ["tickethub_credential_expiry_timestamp_seconds", "GAUGE"],
      ["tickethub_credential_next_refresh_timestamp_seconds", "GAUGE"],
      ["tickethub_refreshes_total", "COUNTER"],
      ["tickethub_upstream_calls_total", "COUNTER"],
      ["tickethub_upstream_latency_seconds", "HISTOGRAM"],
      ["tickethub_quota_used", "GAUGE"],
      ["tickethub_quota_limit", "GAUGE"],
      ["tickethub_lease_takeovers_total", "COUNTER"],
      ["tickethub_alerts_open", "GAUGE"],
    ];
    for (const [name, type] of expected) expect(family(name)?.type, name).toBe(type);
    const expiry = family("tickethub_credential_expiry_timestamp_seconds")!.metrics.find(
      (m) => m.labels?.app_id === WECHAT && m.labels?.kind === "jsapi_ticket",
    );
    expect(Number(expiry?.value) * 1000).toBeGreaterThan(Date.now());
    const successes = family("tickethub_refreshes_total")!
      .metrics.filter((m) => m.labels?.outcome === "success")
      .reduce((n, m) => n + Number(m.value), 0);
    expect(successes).toBeGreaterThanOrEqual(9);
    const tokenCalls = family("tickethub_upstream_calls_total")!.metrics.find((m) => m.labels?.vendor === "wechat" && m.labels?.endpoint === "/cgi-bin/token");
    expect(Number(tokenCalls?.value)).toBeGreaterThanOrEqual(1);
    expect(family("tickethub_quota_limit")!.metrics.find((m) => m.labels?.endpoint === "/cgi-bin/token")?.value).toBe("2000");
    expect((await fetch(`${stack.baseUrl}/api/metrics`)).status).toBe(401);
  });

  test("an injected refresh failure gives exactly one alert, shown on the overview, and one resolution after recovery", async ({ page }) => {
    const op = await apiSession(stack.baseUrl, "operator");
    const creds = (await (await op.fetch("/api/credentials")).json()).credentials as { id: string; appId: string; kind: string }[];
    const id = creds.find((c) => c.appId === WECHAT && c.kind === "jsapi_ticket")!.id;
    hooks.length = 0;
    await fetch(`${stack.sandboxUrl}/__sandbox/faults`, {
      method: "POST",
      body: JSON.stringify({ endpoint: "wechat /cgi-bin/ticket/getticket", mode: "busy" }),
    });
    try {
      expect((await op.fetch(`/api/credentials/${id}/refresh`, { method: "POST" })).status).toBe(502);
      await expect.poll(() => hooks.length, { timeout: 5_000 }).toBe(1);
      expect(hooks[0]).toMatchObject({ status: "firing", kind: "refresh-failing" });
      expect(hooks[0]!.message).toContain("jsapi ticket");
      await gotoSignedIn(page, stack.baseUrl, "viewer");
      const banner = page.getByRole("region", { name: /open alert/ });
      await expect(banner).toContainText("Refresh failing");
      await expect(banner).toContainText("webhook sent");
      await page.screenshot({ path: "e2e/screenshots/alerts-1280.png" });
      // The scheduler keeps retrying (and failing) meanwhile: still one alert.
      await page.waitForTimeout(1_500);
      expect(hooks).toHaveLength(1);
    } finally {
      await fetch(`${stack.sandboxUrl}/__sandbox/faults`, { method: "DELETE" });
    }
    expect((await op.fetch(`/api/credentials/${id}/refresh`, { method: "POST" })).status).toBe(200);
    await expect.poll(() => hooks.length, { timeout: 5_000 }).toBe(2);
    expect(hooks[1]).toMatchObject({ status: "resolved", kind: "refresh-failing", alertId: hooks[0]!.alertId });
    await expect(page.getByRole("region", { name: /open alert/ })).toHaveCount(0, { timeout: 10_000 });
    await page.waitForTimeout(1_000);
    expect(hooks).toHaveLength(2);
  });
});
