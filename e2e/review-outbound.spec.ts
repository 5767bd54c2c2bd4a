import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { apiSession } from "./support/auth";
import { startStack, type Stack } from "./support/stack";

// The outbound-call review's attacks over HTTP, as an admin: a yzb token path that names another
// host (the app secret would be posted there) and alert webhooks aimed at the server itself, the
// metadata service or a local port. Every listener here is on loopback; nothing leaves the machine.

type App = { id: string; vendor: string; name: string; appId: string; baseUrlKind: string; tokenPath: string | null; policy: string; updatedAt: string };

/** A loopback listener that counts connections (a refusal must happen before any). */
async function countingListener(host: string) {
  const state = { connections: 0, requests: [] as string[], port: 0 };
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      state.requests.push(`${req.method} ${req.url} ${body}`);
      res.writeHead(204).end();
    });
  });
  server.on("connection", () => state.connections++);
  await new Promise<void>((r) => server.listen(0, host, r));
  state.port = (server.address() as AddressInfo).port;
  return {
    state,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

test.describe("review: outbound calls stay where they belong", () => {
  let stack: Stack;
  let exfil: Awaited<ReturnType<typeof countingListener>>;
  let hook: Awaited<ReturnType<typeof countingListener>>;

  test.beforeAll(async () => {
    exfil = await countingListener("127.0.0.2");
    // The admin-set webhook of the masking test: an allowed loopback receiver, so even a delivery stays here.
    hook = await countingListener("127.0.0.1");
    stack = await startStack({ env: { TICKETHUB_ALLOWED_WEBHOOK_HOSTS: `127.0.0.1:${hook.state.port}` } });
  });
  test.afterAll(async () => {
    await stack?.stop();
    await exfil?.close();
    await hook?.close();
  });

  const appsAs = async (role: "admin" | "viewer") => (await (await (await apiSession(stack.baseUrl, role)).fetch("/api/apps")).json()).apps as App[];
  const formOf = (a: App, over: Record<string, unknown>) => ({
    vendor: a.vendor,
    name: a.name,
    appId: a.appId,
    baseUrl: a.baseUrlKind,
    tokenPath: a.tokenPath ?? "",
    policy: a.policy,
    ...over,
  });

  test("a yzb token path naming another host is refused; the stored app is unchanged and nothing reaches that host", async () => {
    const admin = await apiSession(stack.baseUrl, "admin");
    const before = (await appsAs("admin")).find((a) => a.vendor === "yzb")!;
    for (const tokenPath of ["//127.0.0.2/exfil", `//127.0.0.2:${exfil.state.port}/exfil`, "/a/../b", "/%2f%2f127.0.0.2/x", "/\\127.0.0.2/x"]) {
      const res = await admin.fetch(`/api/apps/${before.id}`, { method: "PATCH", body: JSON.stringify(formOf(before, { tokenPath })) });
      expect(res.status, tokenPath).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(await res.json()).toMatchObject({ field: "tokenPath", detail: expect.stringContaining("tokenPath: must be a path such as /OAuth2/accessToken") });
    }
    const create = await admin.fetch("/api/apps", {
      method: "POST",
      body: JSON.stringify({ vendor: "yzb", name: "Exfil", appId: "yzbexfil1", secret: "exfil-secret-1", baseUrl: "sandbox", tokenPath: "//evil.example/x" }),
    });
    expect(create.status).toBe(400);
    expect(await create.json()).toMatchObject({ field: "tokenPath" });

    const after = await appsAs("admin");
    expect(after.find((a) => a.id === before.id)).toEqual(before);
    expect(after.some((a) => a.appId === "yzbexfil1")).toBe(false);

    // The yzb token is fetched again (with the unchanged path): still nothing on 127.0.0.2.
    const op = await apiSession(stack.baseUrl, "operator");
    const creds = (await (await op.fetch("/api/credentials")).json()).credentials as { id: string; appRef: string; kind: string }[];
    const token = creds.find((c) => c.appRef === before.id && c.kind === "access_token")!;
    expect((await op.fetch(`/api/credentials/${token.id}/refresh`, { method: "POST" })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(exfil.state.connections).toBe(0);
    expect(exfil.state.requests).toEqual([]);
  });

  test("alert webhooks at the metadata service, a local port or the sandbox are refused, naming the field", async () => {
    const admin = await apiSession(stack.baseUrl, "admin");
    const app = (await appsAs("admin")).find((a) => a.vendor === "wechat")!;
    const sandboxPort = new URL(stack.sandboxUrl).port;
    for (const url of [
      "http://169.254.169.254/latest/meta-data",
      "http://[::1]:22/",
      `http://127.0.0.1:${sandboxPort}/__sandbox/reset`,
      "https://[::ffff:127.0.0.1]/",
      "https://localhost/x",
      "http://hooks.example.com/x",
    ]) {
      const res = await admin.fetch(`/api/apps/${app.id}`, {
        method: "PATCH",
        body: JSON.stringify(formOf(app, { policy: JSON.stringify({ alertWebhookUrl: url }) })),
      });
      expect(res.status, url).toBe(400);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(await res.json()).toMatchObject({ field: "policy", detail: expect.stringContaining("alertWebhookUrl: must") });
    }
    expect((await appsAs("admin")).find((a) => a.id === app.id)).toEqual(app);
  });

  test("a viewer's app list shows the webhook's origin, not its path or token", async () => {
    const admin = await apiSession(stack.baseUrl, "admin");
    const app = (await appsAs("admin")).find((a) => a.vendor === "feishu")!;
    const secretUrl = `http://127.0.0.1:${hook.state.port}/services/T0SECRETPATH?token=hooktoken123`;
    const res = await admin.fetch(`/api/apps/${app.id}`, {
      method: "PATCH",
      body: JSON.stringify(formOf(app, { policy: JSON.stringify({ alertWebhookUrl: secretUrl }) })),
    });
    expect(res.status).toBe(200);
    expect(JSON.parse((await appsAs("admin")).find((a) => a.id === app.id)!.policy).alertWebhookUrl).toBe(secretUrl);
    for (const role of ["viewer", "operator"] as const) {
      const text = await (await (await apiSession(stack.baseUrl, role)).fetch("/api/apps")).text();
      expect(text).not.toContain("T0SECRETPATH");
      expect(text).not.toContain("hooktoken123");
      const seen = (JSON.parse(text) as { apps: App[] }).apps.find((a) => a.id === app.id)!;
      expect(JSON.parse(seen.policy).alertWebhookUrl).toBe(`http://127.0.0.1:${hook.state.port}/…`);
    }
  });
});
