import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { DEMO_ACCOUNTS } from "../lib/demo-accounts";
import type { Role } from "../lib/roles";
import { apiSession, gotoSignedIn } from "./support/auth";
import { sandboxStats, startStack, type Stack } from "./support/stack";

// Sign-in with roles, CSRF, security headers, rate limits, the consumer API with keys, and no
// plaintext secret, token or ticket in the database file or the logs.

const WECHAT = { appId: "wx000000000000demo", secret: "demo-wechat-secret" };
const DEMO_SECRETS = ["demo-wechat-secret", "demo-feishu-secret", "demo-faceid-secret", "demo-yzb-secret"];
// WeChat's documented JS-SDK signature example (vendor-notes.md).
const OFFICIAL = {
  ticket: "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
  nonceStr: "Wm3WZYTPz0wzccnW",
  timestamp: 1414587457,
  url: "http://mp.weixin.qq.com?params=value",
  signature: "0f9de62fce790f9a083d5c99e95740ceb90c27ed",
};

type Cred = { id: string; vendor: string; kind: string; appRef: string; appId: string };

test.describe("locked down and consumable", () => {
  let stack: Stack;
  let creds: Cred[];
  const find = (vendor: string, kind: string) => creds.find((c) => c.vendor === vendor && c.kind === kind)!;

  test.beforeAll(async () => {
    stack = await startStack();
    creds = (await (await (await apiSession(stack.baseUrl, "viewer")).fetch("/api/credentials")).json()).credentials;
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  test("every role against every action: 401 without a session, 403 below the role, allowed at or above it", async () => {
    const ticket = find("wechat", "jsapi_ticket");
    const apps = (await (await (await apiSession(stack.baseUrl, "admin")).fetch("/api/apps")).json()).apps as { id: string; appId: string; vendor: string }[];
    const faceidApp = apps.find((a) => a.vendor === "faceid")!;
    const yzbApp = apps.find((a) => a.vendor === "yzb")!;
    const actions: { name: string; need: Role; method: string; path: string; body?: unknown }[] = [
      { name: "list credentials", need: "viewer", method: "GET", path: "/api/credentials" },
      { name: "credential history", need: "viewer", method: "GET", path: `/api/credentials/${ticket.id}/history` },
      { name: "audit log", need: "viewer", method: "GET", path: "/api/audit" },
      { name: "list apps", need: "viewer", method: "GET", path: "/api/apps" },
      { name: "refresh", need: "operator", method: "POST", path: `/api/credentials/${ticket.id}/refresh` },
      { name: "check", need: "operator", method: "POST", path: `/api/credentials/${ticket.id}/check` },
      { name: "reveal", need: "operator", method: "POST", path: `/api/credentials/${ticket.id}/reveal`, body: { action: "reveal" } },
      { name: "copy", need: "operator", method: "POST", path: `/api/credentials/${ticket.id}/reveal`, body: { action: "copy" } },
      { name: "NONCE list", need: "operator", method: "GET", path: "/api/nonce" },
      { name: "NONCE issue", need: "operator", method: "POST", path: "/api/nonce", body: { appRef: faceidApp.id, userId: "role-test" } },
      {
        name: "JS-SDK signature",
        need: "operator",
        method: "POST",
        path: "/api/signatures/jssdk",
        body: { credentialId: ticket.id, url: "https://a.example/", nonceStr: "abc", timestamp: 1700000000 },
      },
      { name: "FaceID sign", need: "operator", method: "POST", path: "/api/signatures/faceid", body: { values: ["a", "b"] } },
      { name: "yzb check", need: "operator", method: "POST", path: "/api/yzb/check", body: { appRef: yzbApp.id, value: "x".repeat(20) } },
      { name: "app change", need: "admin", method: "PUT", path: `/api/apps/${yzbApp.id}/enabled`, body: { enabled: true } },
      {
        name: "app create",
        need: "admin",
        method: "POST",
        path: "/api/apps",
        body: { vendor: "wechat", name: "Role test", appId: "wx1234567890abcdef", secret: "s3cret-role-test", baseUrl: "sandbox" },
      },
      { name: "users", need: "admin", method: "GET", path: "/api/users" },
      { name: "API keys", need: "admin", method: "GET", path: "/api/keys" },
    ];
    const order: Role[] = ["viewer", "operator", "admin"];
    const table: string[] = [];
    for (const a of actions) {
      const init = { method: a.method, ...(a.body ? { body: JSON.stringify(a.body), headers: { "content-type": "application/json" } } : {}) };
      const anon = await fetch(`${stack.baseUrl}${a.path}`, init);
      expect(anon.status, `${a.name} without a session`).toBe(401);
      expect(anon.headers.get("content-type")).toContain("application/problem+json");
      const row = [`${a.name.padEnd(18)} anon ${anon.status}`];
      for (const role of order) {
        const res = await (await apiSession(stack.baseUrl, role)).fetch(a.path, init);
        const allowed = order.indexOf(role) >= order.indexOf(a.need);
        if (allowed) expect([401, 403], `${a.name} as ${role}: ${res.status}`).not.toContain(res.status);
        else expect(res.status, `${a.name} as ${role}`).toBe(403);
        expect(res.status, `${a.name} as ${role}`).toBeLessThan(500);
        row.push(`${role} ${res.status}`);
      }
      table.push(row.join("  "));
    }
    console.log(`role matrix:\n  ${table.join("\n  ")}`);
  });

  test("state-changing requests need the CSRF value and our own Origin", async () => {
    const admin = await apiSession(stack.baseUrl, "admin");
    const path_ = `/api/credentials/${find("wechat", "jsapi_ticket").id}/refresh`;
    const noToken = await fetch(`${stack.baseUrl}${path_}`, { method: "POST", headers: { cookie: admin.cookie } });
    expect(noToken.status).toBe(403);
    expect((await noToken.json()).title).toBe("CSRF check failed");
    const crossSite = await fetch(`${stack.baseUrl}${path_}`, {
      method: "POST",
      headers: { cookie: admin.cookie, "x-csrf-token": admin.csrf, origin: "https://evil.example" },
    });
    expect(crossSite.status).toBe(403);
    expect((await crossSite.json()).title).toBe("Cross-site request refused");
    const signInElsewhere = await fetch(`${stack.baseUrl}/api/auth/signin`, {
      method: "POST",
      headers: { origin: "https://evil.example", "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: "demo-admin-password" }),
    });
    expect(signInElsewhere.status).toBe(403);
  });

  test("security headers on pages and APIs; errors are problem+json without stacks", async () => {
    for (const p of ["/signin", "/api/health", "/api/credentials"]) {
      const res = await fetch(`${stack.baseUrl}${p}`);
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp, p).toContain("frame-ancestors 'none'");
      expect(csp, p).toContain("default-src 'self'");
      expect(res.headers.get("x-content-type-options"), p).toBe("nosniff");
      expect(res.headers.get("x-frame-options"), p).toBe("DENY");
    }
    const bad = await (await apiSession(stack.baseUrl, "admin")).fetch("/api/apps", { method: "POST", body: "{not json" });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
    const text = await bad.text();
    expect(text).not.toMatch(/at \w+ \(|node_modules|\.ts:\d+/);
  });

  test("sign-in: a wrong password is refused; after five failures even the right one is, until the wait is over", async () => {
    const admin = await apiSession(stack.baseUrl, "admin");
    expect(
      (await admin.fetch("/api/users", { method: "POST", body: JSON.stringify({ username: "locktest", password: "the-right-password", role: "viewer" }) }))
        .status,
    ).toBe(201);
    const attempt = (password: string) =>
      fetch(`${stack.baseUrl}/api/auth/signin`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "locktest", password }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await attempt(`guess-${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const limited = await attempt("the-right-password");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    const bad = await fetch(`${stack.baseUrl}/api/auth/signin`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin" }),
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).detail).toBe("password: is required");
  });

  test("the browser: sign-in page with demo accounts, viewer sees no values or actions, sign-out", async ({ page }) => {
    await page.goto(stack.baseUrl);
    await expect(page).toHaveURL(/\/signin/);
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    for (const a of DEMO_ACCOUNTS) await expect(page.getByText(a.password)).toBeVisible();
    await page.screenshot({ path: "e2e/screenshots/signin-1280.png", fullPage: true });
    await page.getByLabel("Username").fill("viewer");
    await page.getByLabel("Password").fill("wrong-password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.getByText("Wrong username or password")).toBeVisible();
    await page.getByRole("button", { name: "Sign in as viewer" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    const row = page.getByRole("row", { name: "WeChat demo jsapi ticket" });
    await expect(row.getByRole("timer")).toBeVisible();
    await expect(page.getByRole("button", { name: /^Refresh / })).toHaveCount(0);
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "NONCE desk" })).toHaveCount(0);
    await page.goto(`${stack.baseUrl}/nonce`);
    await expect(page.getByRole("heading", { name: "The NONCE desk needs the operator role" })).toBeVisible();
    await page.goto(`${stack.baseUrl}/credentials/${find("wechat", "jsapi_ticket").id}`);
    await expect(page.getByRole("button", { name: /Reveal/ })).toHaveCount(0);
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/signin/);
    expect((await page.context().request.get(`${stack.baseUrl}/api/credentials`)).status()).toBe(401);
  });

  test("a deep link opened while signed out comes back after sign-in (an off-site next is refused)", async ({ page }) => {
    const ticket = find("wechat", "jsapi_ticket");
    await page.goto(`${stack.baseUrl}/credentials/${ticket.id}?from=incident`);
    await expect(page).toHaveURL(`${stack.baseUrl}/signin?next=${encodeURIComponent(`/credentials/${ticket.id}?from=incident`)}`);
    await page.getByRole("button", { name: "Sign in as viewer" }).click();
    await expect(page).toHaveURL(`${stack.baseUrl}/credentials/${ticket.id}?from=incident`);
    await expect(page.getByRole("heading", { level: 1 })).toContainText("jsapi ticket");
    // A crafted next that leaves the site lands on the overview instead. Leave the signed-in page first:
    // once its cookies are gone, its live-update stream sends it to the sign-in page by itself, and that
    // navigation would race the one below.
    await page.goto("about:blank");
    await page.context().clearCookies();
    await page.goto(`${stack.baseUrl}/signin?next=//evil.example/steal`);
    await page.getByRole("button", { name: "Sign in as viewer" }).click();
    await expect(page).toHaveURL(`${stack.baseUrl}/`);
  });

  test("an admin resets a locked-out user's password: their sessions end, the old password is refused, the new one signs in", async ({ page, browser }) => {
    const admin = await apiSession(stack.baseUrl, "admin");
    const first = "night-shift-first-pw";
    const next = "night-shift-second-pw";
    expect(
      (await admin.fetch("/api/users", { method: "POST", body: JSON.stringify({ username: "night-shift", password: first, role: "operator" }) })).status,
    ).toBe(201);
    const signIn = (password: string) =>
      fetch(`${stack.baseUrl}/api/auth/signin`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: "night-shift", password }),
      });
    const signedIn = await signIn(first);
    expect(signedIn.status).toBe(200);
    const cookie = signedIn.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const me = () => fetch(`${stack.baseUrl}/api/auth/me`, { headers: { cookie } });
    expect((await me()).status).toBe(200);

    await gotoSignedIn(page, `${stack.baseUrl}/admin`, "admin");
    const row = page.getByRole("row", { name: "night-shift" });
    await row.getByRole("button", { name: "Reset password of night-shift" }).click();
    const dialog = page.getByRole("dialog", { name: "Reset the password of night-shift?" });
    const field = dialog.getByLabel("New password");
    // The field has the focus: type, Enter.
    await expect(field).toBeFocused();
    await page.keyboard.type("too-short");
    await page.keyboard.press("Enter");
    // Refused by the form (12 characters at least): still open, nothing changed.
    await expect(dialog).toBeVisible();
    expect((await me()).status).toBe(200);
    await field.fill(next);
    // Its text wraps inside it (it opens from a row whose buttons are kept on one line).
    const fits = (d: typeof dialog) => d.locator("form").evaluate((f) => f.scrollWidth <= f.clientWidth);
    expect(await fits(dialog)).toBe(true);
    await page.screenshot({ path: test.info().outputPath("admin-reset-password.png") });
    await dialog.getByRole("button", { name: "Set password" }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole("status").filter({ hasText: "Password of night-shift reset; their sessions ended." })).toBeVisible();
    // The old session is over at once; the old password is refused, the new one works.
    expect((await me()).status).toBe(401);
    expect((await signIn(first)).status).toBe(401);
    expect((await signIn(next)).status).toBe(200);
    // An admin cannot reset their own password here (that needs the current one), nor a disabled user's.
    await expect(page.getByRole("row", { name: "admin", exact: true }).getByRole("button", { name: /Reset password/ })).toHaveCount(0);

    // In Chinese.
    const zh = await browser.newContext({ locale: "zh-CN" });
    try {
      const zhPage = await zh.newPage();
      await gotoSignedIn(zhPage, `${stack.baseUrl}/admin`, "admin");
      await zhPage.getByRole("row", { name: "night-shift" }).getByRole("button", { name: "重置密码：night-shift" }).click();
      const zhDialog = zhPage.getByRole("dialog", { name: "重置 night-shift 的密码？" });
      await expect(zhDialog.getByLabel("新密码")).toBeFocused();
      expect(await fits(zhDialog)).toBe(true);
      await zhPage.screenshot({ path: test.info().outputPath("admin-reset-password-zh-CN.png") });
      await zhDialog.getByRole("button", { name: "取消" }).click();
      await expect(zhDialog).toBeHidden();
    } finally {
      await zh.close();
    }
  });

  test("admin creates a key scoped to one app: reads its ticket with ETag/304, is refused another app, 401 once revoked", async ({ page }) => {
    await gotoSignedIn(page, `${stack.baseUrl}/admin`, "admin");
    await expect(page.getByRole("heading", { name: "Users & keys" })).toBeVisible();
    const form = page.getByRole("form", { name: "Create an API key" });
    await form.getByLabel("Name").fill("shop-frontend");
    await form.getByRole("checkbox", { name: /WeChat demo/ }).check();
    await form.getByRole("button", { name: "Create key" }).click();
    const key = (await page.getByLabel("API key value").textContent())!.trim();
    expect(key).toMatch(/^thk_[0-9a-f]{8}_/);
    await page.screenshot({ path: "e2e/screenshots/admin-1280.png", fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: "e2e/screenshots/admin-390.png", fullPage: true });
    await page.getByRole("button", { name: "Done" }).click();
    await expect(page.getByLabel("API key value")).toHaveCount(0);

    const v1 = (p: string, init: RequestInit = {}, k = key) =>
      fetch(`${stack.baseUrl}/api/v1${p}`, { ...init, headers: { authorization: `Bearer ${k}`, ...(init.headers as Record<string, string>) } });
    const res = await v1(`/apps/wechat/${WECHAT.appId}/jsapi_ticket`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ vendor: "wechat", appId: WECHAT.appId, kind: "jsapi_ticket" });
    expect(body.remainingSeconds).toBeGreaterThan(60);
    const valid = await (
      await fetch(`${stack.sandboxUrl}/__sandbox/valid`, { method: "POST", body: JSON.stringify({ vendor: "wechat", value: body.value }) })
    ).json();
    expect(valid).toMatchObject({ valid: true, kind: "jsapi_ticket" });
    const etag = res.headers.get("etag")!;
    expect(etag).toBeTruthy();
    const again = await v1(`/apps/wechat/${WECHAT.appId}/jsapi_ticket`, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");

    const other = await v1("/apps/feishu/cli_demo000000000000/jsapi_ticket");
    expect(other.status).toBe(403);
    expect((await v1(`/apps/wechat/${WECHAT.appId}/jsapi_ticket`, {}, `thk_00000000_${"A".repeat(43)}`)).status).toBe(401);
    expect((await fetch(`${stack.baseUrl}/api/v1/apps/wechat/${WECHAT.appId}/jsapi_ticket`)).status).toBe(401);

    await page.setViewportSize({ width: 1280, height: 800 });
    const keyRow = page.getByRole("row", { name: "shop-frontend" });
    await keyRow.getByRole("button", { name: "Revoke shop-frontend" }).click();
    await page.getByRole("dialog", { name: "Revoke shop-frontend?" }).getByRole("button", { name: "Revoke" }).click();
    await expect(keyRow).toContainText("revoked");
    const revoked = await v1(`/apps/wechat/${WECHAT.appId}/jsapi_ticket`);
    expect(revoked.status).toBe(401);
    expect((await revoked.json()).detail).toContain("revoked");
  });

  test("the signature endpoint gives WeChat's documented signature when the ticket is the documented one", async () => {
    const admin = await apiSession(stack.baseUrl, "admin");
    const apps = (await (await admin.fetch("/api/apps")).json()).apps as { id: string; appId: string }[];
    const wechat = apps.find((a) => a.appId === WECHAT.appId)!;
    const created = await (await admin.fetch("/api/keys", { method: "POST", body: JSON.stringify({ name: "signer", appRefs: [wechat.id] }) })).json();
    await fetch(`${stack.sandboxUrl}/__sandbox/next-value`, {
      method: "POST",
      body: JSON.stringify({ endpoint: "wechat /cgi-bin/ticket/getticket", value: OFFICIAL.ticket }),
    });
    expect((await admin.fetch(`/api/credentials/${find("wechat", "jsapi_ticket").id}/refresh`, { method: "POST" })).status).toBe(200);
    const sign = (body: unknown) =>
      fetch(`${stack.baseUrl}/api/v1/apps/wechat/${WECHAT.appId}/jssdk-signature`, {
        method: "POST",
        headers: { authorization: `Bearer ${created.key}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const res = await sign({ url: OFFICIAL.url, timestamp: OFFICIAL.timestamp, nonceStr: OFFICIAL.nonceStr });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ appId: WECHAT.appId, timestamp: OFFICIAL.timestamp, nonceStr: OFFICIAL.nonceStr, signature: OFFICIAL.signature });
    expect(JSON.stringify(body)).not.toContain(OFFICIAL.ticket);
    // Without timestamp and nonceStr the server picks them, as a page needs.
    const fresh = await (await sign({ url: "https://shop.example.com/pay?order=42#top" })).json();
    expect(fresh.signature).toMatch(/^[0-9a-f]{40}$/);
    expect(Math.abs(fresh.timestamp - Date.now() / 1000)).toBeLessThan(120);
    const bad = await sign({ url: "not a url" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).detail).toBe("url: must be the page's absolute http(s) URL");
  });

  test("no demo secret, token or ticket in plaintext in the database file or the logs", async () => {
    // Exercise what stores or logs values: the proxy, reveal, a NONCE, a failing vendor call.
    const op = await apiSession(stack.baseUrl, "operator");
    const t = await (
      await fetch(`${stack.baseUrl}/api/proxy/wechat/cgi-bin/token?grant_type=client_credential&appid=${WECHAT.appId}&secret=${WECHAT.secret}`)
    ).json();
    expect(t.access_token).toBeTruthy();
    await fetch(`${stack.baseUrl}/api/proxy/wechat/cgi-bin/ticket/getticket?access_token=${encodeURIComponent(t.access_token)}&type=jsapi`);
    await fetch(`${stack.baseUrl}/api/proxy/wechat/cgi-bin/token?grant_type=client_credential&appid=${WECHAT.appId}&secret=wrong-secret-value`);
    await op.fetch(`/api/credentials/${find("feishu", "jsapi_ticket").id}/reveal`, { method: "POST", body: JSON.stringify({ action: "reveal" }) });
    const apps = (await (await (await apiSession(stack.baseUrl, "admin")).fetch("/api/apps")).json()).apps as { id: string; vendor: string }[];
    expect(
      (await op.fetch("/api/nonce", { method: "POST", body: JSON.stringify({ appRef: apps.find((a) => a.vendor === "faceid")!.id, userId: "grep-test" }) }))
        .status,
    ).toBe(201);
    for (const c of creds) await op.fetch(`/api/credentials/${c.id}/refresh`, { method: "POST" });
    const issued: string[] = (await (await fetch(`${stack.sandboxUrl}/__sandbox/issued`)).json()).values;
    expect(issued.length).toBeGreaterThan(10);
    const stats = await sandboxStats(stack.sandboxUrl);
    expect(Object.keys(stats.calls).length).toBeGreaterThan(3);

    await stack.stop();
    const files = readdirSync(stack.dataDir).filter((f) => f.startsWith("tickethub.db"));
    expect(files).toContain("tickethub.db");
    const haystacks = [
      ...files.map((f) => ({ name: f, text: readFileSync(path.join(stack.dataDir, f)).toString("latin1") })),
      { name: "server and sandbox log", text: stack.output() },
    ];
    const needles = [...DEMO_SECRETS, ...issued, "wrong-secret-value"];
    const found: string[] = [];
    for (const h of haystacks) for (const n of needles) if (h.text.includes(n)) found.push(`${n.slice(0, 12)}… in ${h.name}`);
    console.log(
      `redaction: searched ${haystacks.map((h) => `${h.name} (${h.text.length} bytes)`).join(", ")} for ${needles.length} values: ${found.length} found`,
    );
    expect(found).toEqual([]);
  });
});

test("a fresh install with no users shows the first-run screen, which creates an admin once", async ({ page }) => {
  const stack = await startStack({ env: { TICKETHUB_DEMO: "off", TICKETHUB_SANDBOX: "off", TICKETHUB_SCHEDULER: "off" } });
  try {
    await page.goto(stack.baseUrl);
    await expect(page.getByRole("heading", { name: "Create the first admin" })).toBeVisible();
    await expect(page.getByText("Demo accounts")).toHaveCount(0);
    await page.getByLabel("Username").fill("ops-lead");
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create admin and sign in" }).click();
    // The browser's own check stops a short password before any request.
    await expect(page).toHaveURL(/\/signin/);
    await page.getByLabel("Password").fill("a-long-enough-password");
    await page.getByRole("button", { name: "Create admin and sign in" }).click();
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users & keys" })).toBeVisible();
    await expect(page.getByText("ops-lead")).toBeVisible();
    const second = await fetch(`${stack.baseUrl}/api/auth/setup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "intruder", password: "another-long-password" }),
    });
    expect(second.status).toBe(409);
  } finally {
    await stack.stop();
  }
});
