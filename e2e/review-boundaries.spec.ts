import { statSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, test } from "@playwright/test";
import { apiSession } from "./support/auth";
import { spawnStart, startStack, type Stack } from "./support/stack";
import { freePort } from "../scripts/lib/postgres";

// The security review's findings about the server's edges (issue 12: 4, 6, 7 and 10), each sent
// the way the reviewer sent it, asserting the safe outcome.

/** A raw HTTP/1.1 request, so that Host and the path go out exactly as written (fetch would fix them). */
function raw(
  baseUrl: string,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; type: string; body: string }> {
  const u = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, method: opts.method ?? "GET", path: opts.path, headers: opts.headers, setHost: !opts.headers?.host },
      (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"] ?? ""), body }));
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

test.describe("the server's edges", () => {
  let stack: Stack;
  test.beforeAll(async () => {
    stack = await startStack();
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  test("4: X-Forwarded-For from a client that is not a trusted proxy does not dodge the per-address proxy limit", async () => {
    // 1,200 proxy calls a minute per address; each request claims another address.
    const call = (i: number) =>
      fetch(`${stack.baseUrl}/api/proxy/wechat/cgi-bin/token?grant_type=client_credential&appid=wx000000000000demo&secret=wrong`, {
        headers: { "x-forwarded-for": `198.51.${(i >> 8) & 255}.${i & 255}`, "x-real-ip": `203.0.113.${i & 255}` },
      }).then((r) => r.status);
    const statuses: number[] = [];
    for (let i = 0; i < 1_230; i += 30) statuses.push(...(await Promise.all(Array.from({ length: 30 }, (_, j) => call(i + j)))));
    const limited = statuses.filter((s) => s === 429).length;
    console.log(`proxy calls with forged X-Forwarded-For: ${statuses.length} sent, ${limited} limited`);
    expect(limited).toBeGreaterThanOrEqual(statuses.length - 1_200);
  });

  test("6: sign-in refuses Origin: null and a text/plain body (login CSRF from a sandboxed frame)", async () => {
    const creds = JSON.stringify({ username: "viewer", password: "demo-viewer-password" });
    const nullOrigin = await fetch(`${stack.baseUrl}/api/auth/signin`, {
      method: "POST",
      headers: { origin: "null", "content-type": "application/json" },
      body: creds,
    });
    expect(nullOrigin.status).toBe(403);
    expect(nullOrigin.headers.get("set-cookie")).toBeNull();
    // What a cross-site <form enctype="text/plain"> sends: no Origin check can help if it is parsed.
    const plain = await fetch(`${stack.baseUrl}/api/auth/signin`, { method: "POST", headers: { "content-type": "text/plain" }, body: creds });
    expect(plain.status).toBe(415);
    expect(plain.headers.get("content-type")).toContain("application/problem+json");
    expect(plain.headers.get("set-cookie")).toBeNull();
    // Every state-changing route: Origin null refused, JSON routes want JSON.
    const admin = await apiSession(stack.baseUrl, "admin");
    const apps = await admin.fetch("/api/apps", {
      method: "POST",
      headers: { origin: "null" },
      body: JSON.stringify({ vendor: "wechat", name: "x", appId: "wx1234567890abcdef", secret: "s3cret-xxxx", baseUrl: "sandbox" }),
    });
    expect(apps.status).toBe(403);
    const form = await admin.fetch("/api/users", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: JSON.stringify({ username: "formuser", password: "a-long-password-1", role: "admin" }),
    });
    expect(form.status).toBe(415);
    expect((await form.json()).field).toBe("content-type");
    expect(((await (await admin.fetch("/api/users")).json()).users as { username: string }[]).map((u) => u.username)).not.toContain("formuser");
  });

  test("7: malformed percent-encoding and bad Host headers get 400 problem+json from the front server", async () => {
    for (const p of ["/api/credentials/%E0%A4%A/history", "/api/v1/apps/%E0%A4%A/x/y", "/api/proxy/wechat/%E0%A4%A", "/credentials/%E0%A4%A"]) {
      const res = await raw(stack.baseUrl, { path: p });
      expect(res.status, p).toBe(400);
      expect(res.type, p).toContain("application/problem+json");
    }
    for (const host of ["[", "x/y?z", "a b"]) {
      const res = await raw(stack.baseUrl, {
        path: "/api/proxy/wechat/cgi-bin/token?grant_type=client_credential&appid=wx000000000000demo&secret=demo-wechat-secret",
        headers: { host },
      });
      expect(res.status, host).toBe(400);
      expect(res.type, host).toContain("application/problem+json");
      expect(res.body, host).not.toContain("access_token");
    }
  });

  test("10: a 10 MB body is refused before it is parsed, and the answer is 413 problem+json", async () => {
    const admin = await apiSession(stack.baseUrl, "admin");
    const huge = JSON.stringify({
      vendor: "wechat",
      name: "big",
      appId: "wx1234567890abcdef",
      secret: "s3cret-xxxx",
      baseUrl: "sandbox",
      policy: "x".repeat(10 * 1024 * 1024),
    });
    const res = await admin.fetch("/api/apps", { method: "POST", body: huge });
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect((await res.json()).field).toBe("body");
  });

  test("10: policy JSON has a size limit", async () => {
    const admin = await apiSession(stack.baseUrl, "admin");
    const policy = JSON.stringify({ quotas: Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`/endpoint/${i}`, 1000])) });
    const res = await admin.fetch("/api/apps", {
      method: "POST",
      body: JSON.stringify({ vendor: "wechat", name: "policy cap", appId: "wx1234567890abcdef", secret: "s3cret-xxxx", baseUrl: "sandbox", policy }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: "policy", detail: "policy: must be at most 8 KiB of JSON" });
    expect(((await (await admin.fetch("/api/apps")).json()).apps as { name: string }[]).map((a) => a.name)).not.toContain("policy cap");
  });

  test("10: the SQLite file and its journal are readable by this user only, like secret.key", async () => {
    for (const f of ["tickethub.db", "tickethub.db-wal", "secret.key"]) {
      const mode = statSync(path.join(stack.dataDir, f)).mode & 0o777;
      expect(mode.toString(8), f).toBe("600");
    }
  });

  test("10: the Origin check compares the full origin and ignores X-Forwarded-Host from an untrusted client", async () => {
    const admin = await apiSession(stack.baseUrl, "admin");
    const u = new URL(stack.baseUrl);
    const refresh = `/api/credentials/${(await (await admin.fetch("/api/credentials")).json()).credentials[0].id}/refresh`;
    const wrongScheme = await admin.fetch(refresh, { method: "POST", headers: { origin: `https://${u.host}` } });
    expect(wrongScheme.status).toBe(403);
    const forgedHost = await admin.fetch(refresh, { method: "POST", headers: { origin: "http://evil.example", "x-forwarded-host": "evil.example" } });
    expect(forgedHost.status).toBe(403);
    const own = await admin.fetch(refresh, { method: "POST", headers: { origin: stack.baseUrl } });
    expect(own.status).not.toBe(403);
  });

  test("10: a method a route does not have gets 405 problem+json", async () => {
    for (const [method, p] of [
      ["DELETE", "/api/health"],
      ["PUT", "/api/apps"],
      ["PATCH", "/api/credentials"],
    ] as const) {
      const res = await fetch(`${stack.baseUrl}${p}`, { method });
      expect(res.status, `${method} ${p}`).toBe(405);
      expect(res.headers.get("content-type"), `${method} ${p}`).toContain("application/problem+json");
      expect((await res.json()).detail).toContain(method);
    }
  });

  test("10: admins demoted all at the same moment leave at least one enabled admin", async () => {
    const admin = await apiSession(stack.baseUrl, "admin");
    for (let i = 1; i <= 4; i++) {
      const created = await admin.fetch("/api/users", {
        method: "POST",
        body: JSON.stringify({ username: `extra-admin-${i}`, password: "extra-admin-password", role: "admin" }),
      });
      expect(created.status).toBe(201);
    }
    const users = (await (await admin.fetch("/api/users")).json()).users as { id: string; username: string; role: string; disabled: boolean }[];
    const admins = users.filter((u) => u.role === "admin" && !u.disabled);
    expect(admins.length).toBe(5);
    // Each request counts "another admin is left" and demotes: without one transaction around the
    // count and the change, they all see five and all succeed.
    const answers = await Promise.all(admins.map((u) => admin.fetch(`/api/users/${u.id}`, { method: "PATCH", body: JSON.stringify({ role: "operator" }) })));
    const statuses = answers.map((a) => a.status);
    console.log(`five simultaneous demotions: ${statuses.join(", ")}`);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(4);
    for (const s of statuses) expect([200, 403, 409]).toContain(s);
    const db = new Database(path.join(stack.dataDir, "tickethub.db"), { readonly: true, fileMustExist: true });
    try {
      const left = db.prepare(`SELECT count(*) AS n FROM "User" WHERE role = 'admin' AND "disabledAt" IS NULL`).get() as { n: number };
      expect(left.n).toBeGreaterThanOrEqual(1);
    } finally {
      db.close();
    }
  });
});

test("10: a supervisor killed with SIGKILL takes its children down: the ports are free again", async () => {
  const port = await freePort();
  const sandboxPort = await freePort();
  const { child, output } = spawnStart({ PORT: String(port), SANDBOX_PORT: String(sandboxPort), TICKETHUB_DATA_DIR: path.join(test.info().outputDir, "data") });
  const up = (p: number, pathName: string) =>
    fetch(`http://127.0.0.1:${p}${pathName}`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.ok,
      () => false,
    );
  await expect.poll(() => up(port, "/api/health"), { timeout: 90_000, message: output() }).toBe(true);
  expect(await up(sandboxPort, "/__sandbox/stats")).toBe(true);
  process.kill(child.pid!, "SIGKILL");
  // Each child checks twice a second that its supervisor is alive, then stops its server.
  await expect.poll(async () => (await up(port, "/api/health")) || (await up(sandboxPort, "/__sandbox/stats")), { timeout: 15_000 }).toBe(false);
  console.log(`after SIGKILL of the supervisor: ports ${port} and ${sandboxPort} free`);
});
