import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, test } from "@playwright/test";
import { apiSession, type ApiSession } from "./support/auth";
import { startStack, type Stack } from "./support/stack";

// Malformed, oversized and wrong-typed input to every route handler: never a 5xx, never a stored
// change. The scheduler is off so that nothing changes the database on its own meanwhile.

const root = path.resolve(import.meta.dirname, "..");

/** Every route handler on disk, as "METHOD /api/…" with [segments] kept. */
function routesOnDisk(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name === "route.ts") {
        const url = `/${path.relative(path.join(root, "app"), dir).split(path.sep).join("/")}`;
        const src = readFileSync(p, "utf8");
        for (const m of src.matchAll(/export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE)\b/g)) out.push(`${m[1]} ${url}`);
      }
    }
  };
  walk(path.join(root, "app/api"));
  return out.sort();
}

// Values of the wrong type or shape; no booleans, so that no combination is accidentally valid.
const WEIRD: unknown[] = [
  123,
  -1,
  1e308,
  "",
  "x".repeat(100_000),
  [],
  {},
  null,
  "\u0000\u202e",
  "'; DROP TABLE VendorApp;--",
  "../../etc/passwd",
  "<script>alert(1)</script>",
  [1, "a", null],
  { $gt: "" },
];
const FIELDS = [
  "vendor",
  "name",
  "appId",
  "secret",
  "baseUrl",
  "tokenVariant",
  "tokenPath",
  "policy",
  "enabled",
  "action",
  "versionId",
  "appRef",
  "userId",
  "credentialId",
  "ticket",
  "url",
  "nonceStr",
  "timestamp",
  "values",
  "value",
  "code",
  "username",
  "password",
  "role",
  "disabled",
  "appRefs",
  "kind",
];
const BAD_IDS = ["%00", "..%2F..%2Fetc%2Fpasswd", "x".repeat(5_000), "%E2%80%AE%F0%9F%92%A5", "'%20OR%201%3D1--", "zzzzzzzznotthere"];
const QUERIES = [
  "",
  "?limit=-1",
  "?limit=abc&unknown=1",
  "?limit=1e309",
  `?before=${"9".repeat(40)}`,
  `?q=${"x".repeat(20_000)}`,
  "?target=%00&limit=[]",
  "?grant_type=client_credential&appid=%00&secret=[]",
];

function bodiesFor(fields: string[]): string[] {
  const deep = "[".repeat(20_000) + "]".repeat(20_000);
  const bodies = ["", "not json", "{", "[]", "null", "0", '"s"', "{}", JSON.stringify({ unexpected: 1 }), deep, JSON.stringify({ a: "x".repeat(2_000_000) })];
  for (const w of WEIRD) {
    bodies.push(JSON.stringify(Object.fromEntries(fields.map((f) => [f, w]))));
    bodies.push(JSON.stringify(Object.fromEntries(FIELDS.map((f) => [f, w]))));
  }
  return bodies;
}

type Target = { route: string; paths: string[]; bodyFields?: string[] };

/**
 * A hash of every stored row. Left aside: sessions, a key's last-use time and the audit record of a
 * failed sign-in (well-formed junk credentials are a failed sign-in, which is rightly on record).
 */
function snapshot(file: string): Record<string, string> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = (
      db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('Session', '_prisma_migrations') ORDER BY name",
        )
        .all() as { name: string }[]
    ).map((t) => t.name);
    return Object.fromEntries(
      tables.map((t) => {
        const where = t === "AuditEvent" ? ` WHERE NOT (action = 'user.signin' AND outcome LIKE 'failed%')` : "";
        const rows = db.prepare(`SELECT * FROM "${t}"${where} ORDER BY rowid`).all() as Record<string, unknown>[];
        const clean = rows.map((r) => (t === "ApiKey" ? { ...r, lastUsedAt: null } : r));
        return [t, `${rows.length} rows ${createHash("sha256").update(JSON.stringify(clean)).digest("hex").slice(0, 16)}`];
      }),
    );
  } finally {
    db.close();
  }
}

test.describe("fuzzing every route handler", () => {
  let stack: Stack;
  test.beforeAll(async () => {
    stack = await startStack({ env: { TICKETHUB_SCHEDULER: "off" } });
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  test("malformed, oversized and wrong-typed input: no 5xx, nothing stored", async () => {
    test.setTimeout(600_000);
    const admin = await apiSession(stack.baseUrl, "admin");
    const apps = (await (await admin.fetch("/api/apps")).json()).apps as { id: string }[];
    const users = (await (await admin.fetch("/api/users")).json()).users as { id: string }[];
    const key = (await (await admin.fetch("/api/keys", { method: "POST", body: JSON.stringify({ name: "fuzz", appRefs: [apps[0]!.id] }) })).json())
      .key as string;
    const appId = apps[0]!.id;
    const userId = users[0]!.id;
    const credentialId = ((await (await admin.fetch("/api/credentials")).json()).credentials as { id: string }[])[0]!.id;
    const ids = (real?: string) => (real ? [real, ...BAD_IDS] : BAD_IDS);
    const targets: Target[] = [
      { route: "GET /api/alerts", paths: ["/api/alerts"] },
      { route: "POST /api/alerts/[id]/acknowledge", paths: ids().map((i) => `/api/alerts/${i}/acknowledge`), bodyFields: [] },
      { route: "POST /api/alerts/[id]/silence", paths: ids().map((i) => `/api/alerts/${i}/silence`), bodyFields: ["minutes"] },
      { route: "PUT /api/apps/[id]/alert-channel", paths: BAD_IDS.map((i) => `/api/apps/${i}/alert-channel`), bodyFields: ["channel"] },
      { route: "POST /api/apps/[id]/clear-quota", paths: BAD_IDS.map((i) => `/api/apps/${i}/clear-quota`), bodyFields: [] },
      { route: "GET /api/metrics", paths: ["/api/metrics"] },
      { route: "GET /api/apps", paths: ["/api/apps"] },
      { route: "POST /api/apps", paths: ["/api/apps"], bodyFields: ["vendor", "name", "appId", "secret", "baseUrl", "tokenVariant", "tokenPath", "policy"] },
      {
        route: "PATCH /api/apps/[id]",
        paths: ids(appId).map((i) => `/api/apps/${i}`),
        bodyFields: ["vendor", "name", "appId", "secret", "baseUrl", "tokenVariant", "tokenPath", "policy"],
      },
      { route: "PUT /api/apps/[id]/enabled", paths: ids(appId).map((i) => `/api/apps/${i}/enabled`), bodyFields: ["enabled"] },
      { route: "GET /api/audit", paths: ["/api/audit"] },
      { route: "GET /api/auth/me", paths: ["/api/auth/me"] },
      { route: "POST /api/auth/setup", paths: ["/api/auth/setup"], bodyFields: ["username", "password"] },
      { route: "POST /api/auth/signin", paths: ["/api/auth/signin"], bodyFields: ["username", "password"] },
      // Sign-out takes no input: it is only sent without a session (with one it would end it).
      { route: "POST /api/auth/signout", paths: [] },
      { route: "GET /api/catalog", paths: ["/api/catalog"] },
      { route: "GET /api/credentials", paths: ["/api/credentials"] },
      { route: "POST /api/credentials/[id]/check", paths: ids().map((i) => `/api/credentials/${i}/check`), bodyFields: [] },
      { route: "GET /api/credentials/[id]/history", paths: ids(credentialId).map((i) => `/api/credentials/${i}/history`) },
      { route: "POST /api/credentials/[id]/refresh", paths: ids().map((i) => `/api/credentials/${i}/refresh`), bodyFields: ["ifGeneration"] },
      { route: "POST /api/credentials/[id]/reveal", paths: ids(credentialId).map((i) => `/api/credentials/${i}/reveal`), bodyFields: ["action", "versionId"] },
      // The change stream never ends while signed in; it takes no input (its 401 is checked in freshness.spec).
      { route: "GET /api/events", paths: [] },
      { route: "GET /api/health", paths: ["/api/health"] },
      { route: "POST /api/keys", paths: ["/api/keys"], bodyFields: ["name", "appRefs"] },
      { route: "GET /api/keys", paths: ["/api/keys"] },
      { route: "POST /api/keys/[id]/revoke", paths: ids().map((i) => `/api/keys/${i}/revoke`), bodyFields: [] },
      { route: "GET /api/nonce", paths: ["/api/nonce"] },
      { route: "POST /api/nonce", paths: ["/api/nonce"], bodyFields: ["appRef", "userId"] },
      { route: "POST /api/nonce/[id]/used", paths: ids().map((i) => `/api/nonce/${i}/used`), bodyFields: [] },
      {
        route: "GET /api/proxy/[vendor]/[...path]",
        paths: [
          "/api/proxy/wechat/cgi-bin/token",
          "/api/proxy/wechat/cgi-bin/ticket/getticket",
          "/api/proxy/feishu/open-apis/auth/v3/tenant_access_token/internal",
          "/api/proxy/faceid/api/oauth2/api_ticket",
          "/api/proxy/yzb/OAuth2/checkCode",
          "/api/proxy/nope/x",
          `/api/proxy/wechat/${"x/".repeat(500)}`,
        ],
      },
      {
        route: "POST /api/proxy/[vendor]/[...path]",
        paths: [
          "/api/proxy/wechat/cgi-bin/stable_token",
          "/api/proxy/feishu/open-apis/auth/v3/tenant_access_token/internal",
          "/api/proxy/feishu/open-apis/jssdk/ticket/get",
          "/api/proxy/yzb/OAuth2/token",
          "/api/proxy/yzb/OAuth2/accessToken",
        ],
        bodyFields: ["appid", "secret", "grant_type", "force_refresh", "app_id", "app_secret", "code", "url"],
      },
      {
        route: "POST /api/signatures/faceid",
        paths: ["/api/signatures/faceid"],
        bodyFields: ["wbappid", "userId", "nonceStr", "version", "ticket", "credentialId"],
      },
      {
        route: "POST /api/signatures/jssdk",
        paths: ["/api/signatures/jssdk"],
        bodyFields: ["credentialId", "ticket", "url", "nonceStr", "timestamp", "pageSignature"],
      },
      { route: "GET /api/users", paths: ["/api/users"] },
      { route: "POST /api/users", paths: ["/api/users"], bodyFields: ["username", "password", "role"] },
      { route: "PATCH /api/users/[id]", paths: ids(userId).map((i) => `/api/users/${i}`), bodyFields: ["role", "disabled", "password"] },
      {
        route: "GET /api/v1/apps/[vendor]/[appId]/[kind]",
        paths: [
          "/api/v1/apps/wechat/wx000000000000demo/nope",
          "/api/v1/apps/nope/x/jsapi_ticket",
          `/api/v1/apps/wechat/${"x".repeat(3000)}/jsapi_ticket`,
          "/api/v1/apps/wechat/%00/access_token",
          "/api/v1/apps/feishu/cli_demo000000000000/jsapi_ticket",
        ],
      },
      {
        route: "POST /api/v1/apps/[vendor]/[appId]/[kind]/refused",
        paths: [
          "/api/v1/apps/wechat/wx000000000000demo/nope/refused",
          "/api/v1/apps/nope/x/jsapi_ticket/refused",
          "/api/v1/apps/wechat/%00/access_token/refused",
          "/api/v1/apps/faceid/IDAdemo1/jsapi_ticket/refused",
        ],
        bodyFields: ["generation"],
      },
      {
        route: "POST /api/v1/apps/[vendor]/[appId]/jssdk-signature",
        paths: [
          "/api/v1/apps/wechat/wx000000000000demo/jssdk-signature",
          "/api/v1/apps/faceid/IDAdemo1/jssdk-signature",
          "/api/v1/apps/wechat/%00/jssdk-signature",
        ],
        bodyFields: ["url", "timestamp", "nonceStr"],
      },
      { route: "GET /api/v1/openapi.json", paths: ["/api/v1/openapi.json"] },
      { route: "POST /api/yzb/check", paths: ["/api/yzb/check"], bodyFields: ["appRef", "value"] },
      { route: "POST /api/yzb/open-id", paths: ["/api/yzb/open-id"], bodyFields: ["appRef", "code"] },
    ];
    // A new route handler must be added here, so nothing escapes the fuzzing.
    expect(targets.map((t) => t.route).sort()).toEqual(routesOnDisk());

    const dbFile = path.join(stack.dataDir, "tickethub.db");
    const before = snapshot(dbFile);
    let sent = 0;
    const statuses: Record<string, number> = {};
    const failures: string[] = [];
    const record = (method: string, p: string, body: string | undefined, status: number, type: string, note = "") => {
      sent++;
      statuses[status] = (statuses[status] ?? 0) + 1;
      const what = `${method} ${p.slice(0, 80)} ${body === undefined ? "" : body.slice(0, 60)}${note}`;
      if (status >= 500) failures.push(`${what} → ${status}`);
      // Every refusal is problem+json; the vendor proxy answers vendor errors in the vendor's own shape.
      if (status >= 400 && status < 500 && !type.includes("application/problem+json") && !(p.startsWith("/api/proxy/") && type.includes("application/json"))) {
        failures.push(`${what} → ${status} ${type || "no content type"}`);
      }
    };
    const send = async (who: ApiSession | null, method: string, p: string, body?: string, contentType: string | null = "application/json") => {
      const headers: Record<string, string> = who ? { cookie: who.cookie, "x-csrf-token": who.csrf, authorization: `Bearer ${key}` } : {};
      if (body !== undefined && contentType !== null) headers["content-type"] = contentType;
      try {
        const res = await fetch(`${stack.baseUrl}${p}`, { method, headers, body, signal: AbortSignal.timeout(30_000) });
        await res.arrayBuffer();
        record(method, p, body, res.status, res.headers.get("content-type") ?? "", contentType === "application/json" ? "" : ` (${contentType})`);
      } catch (err) {
        record(method, p, body, -1, "");
        failures.push(`${method} ${p.slice(0, 80)}: no answer (${(err as Error).message})`);
      }
    };
    // Raw requests: a Host header or a path exactly as written (fetch would correct both).
    const sendRaw = (who: ApiSession | null, method: string, p: string, host?: string) =>
      new Promise<void>((resolve) => {
        const u = new URL(stack.baseUrl);
        const headers: Record<string, string> = who ? { cookie: who.cookie, "x-csrf-token": who.csrf } : {};
        if (host !== undefined) headers.host = host;
        const req = http.request({ host: u.hostname, port: u.port, method, path: p, headers, setHost: host === undefined, timeout: 30_000 }, (res) => {
          res.resume();
          res.on("end", () => {
            record(method, p, undefined, res.statusCode ?? -1, String(res.headers["content-type"] ?? ""), host === undefined ? "" : ` (Host: ${host})`);
            resolve();
          });
        });
        req.on("error", (err) => {
          record(method, p, undefined, -1, "");
          failures.push(`${method} ${p.slice(0, 80)}: no answer (${err.message})`);
          resolve();
        });
        req.end(method === "GET" ? undefined : "{}");
      });
    for (const t of targets) {
      const method = t.route.split(" ")[0]!;
      const paths = t.paths.length ? t.paths : [t.route.split(" ")[1]!];
      for (const p of paths) {
        await send(null, method, p, method === "GET" ? undefined : "{}");
        if (!t.paths.length) continue;
        for (const q of QUERIES) await send(admin, method, p + q, method === "GET" ? undefined : "");
        if (t.bodyFields) {
          for (const body of bodiesFor(t.bodyFields)) await send(admin, method, p, body);
          await send(admin, method, p, "a=1&b=%ZZ", "application/x-www-form-urlencoded");
          for (const type of ["text/plain", "multipart/form-data; boundary=x", "application/xml", "application/jsonx", null])
            await send(admin, method, p, "{}", type);
        }
        // Malformed percent-encoding in the path, and Host headers that are not a host.
        const malformed = p.includes("/", 5) ? p.replace(/\/[^/]*$/, "/%E0%A4%A") : `${p}/%E0%A4%A`;
        await sendRaw(admin, method, malformed);
        await sendRaw(admin, method, `${p}%`);
        for (const host of ["[", "x/y?z", "a b", "evil.example@127.0.0.1", "", "h".repeat(300)]) await sendRaw(admin, method, p, host);
      }
    }
    const after = snapshot(dbFile);
    console.log(`fuzz: ${sent} requests to ${targets.length} route handlers; statuses ${JSON.stringify(statuses)}; ${failures.length} failures`);
    expect(failures).toEqual([]);
    expect(after).toEqual(before);
    // And the server still answers normally afterwards.
    expect((await fetch(`${stack.baseUrl}/api/health`)).status).toBe(200);
  });
});
