import { expect, test } from "@playwright/test";
import { account, apiSession, gotoSignedIn } from "./support/auth";
import { startStack, type Stack } from "./support/stack";

// The attacks of the sign-in review, over HTTP: locking a user out from rotating addresses, a
// failing address's own slow-down, the per-address attempt cap, a flood of password hashing,
// setup on an installed instance, and an API key reading other apps' metrics.
// TICKETHUB_TRUSTED_PROXIES makes X-Forwarded-For from this loopback client count, as behind nginx.

const admin = account("admin");
const viewer = account("viewer");
const WECHAT_APP_ID = "wx000000000000demo";

test.describe("sign-in under attack", () => {
  let stack: Stack;
  const signIn = (username: string, password: string, from?: string) =>
    fetch(`${stack.baseUrl}/api/auth/signin`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(from ? { "x-forwarded-for": from } : {}) },
      body: JSON.stringify({ username, password }),
    });

  test.beforeAll(async () => {
    stack = await startStack({ env: { TICKETHUB_TRUSTED_PROXIES: "127.0.0.0/8", TICKETHUB_SCHEDULER: "off" } });
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  test("32 wrong passwords for admin from rotating addresses do not keep the admin out; the attack is audited", async ({ page }) => {
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await signIn(admin.username, `guess-${i}`, `203.0.113.${i + 1}`)).status);
    expect(statuses).toEqual(Array(32).fill(401));

    const real = await signIn(admin.username, admin.password, "198.51.100.7");
    expect(real.status, await real.clone().text()).toBe(200);

    const session = await apiSession(stack.baseUrl, "admin");
    const events = (await (await session.fetch("/api/audit?target=admin")).json()).events as { action: string; outcome: string }[];
    const attack = events.filter((e) => e.action === "user.signin.attack");
    expect(attack, "one report per window").toHaveLength(1);
    expect(attack[0]!.outcome).toContain("admin");

    await gotoSignedIn(page, `${stack.baseUrl}/audit`, "admin");
    const row = page.getByRole("row", { name: /Sign-in attack on a username/ });
    await expect(row).toBeVisible();
    await expect(row).toContainText("for admin from");
  });

  test("the failing address itself gets 429 with Retry-After after its free attempts, even with the right password", async () => {
    const from = "192.0.2.50";
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await signIn(viewer.username, `wrong-${i}`, from)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    const limited = await signIn(viewer.username, viewer.password, from);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("content-type")).toContain("application/problem+json");
    const wait = Number(limited.headers.get("retry-after"));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(15 * 60);
    expect((await limited.json()).detail).toBe(`Wait ${wait} s, then try again from this address.`);
    // The same user from an address that is not failing.
    expect((await signIn(viewer.username, viewer.password, "192.0.2.51")).status).toBe(200);
  });

  test("an address gets a bounded number of sign-in attempts per minute, right or wrong, before any hashing", async () => {
    const from = "192.0.2.77";
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await signIn(viewer.username, viewer.password, from)).status);
    const first429 = statuses.indexOf(429);
    expect(first429, `statuses ${statuses.join(",")}`).toBeGreaterThan(0);
    expect(statuses.slice(0, first429).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(first429).every((s) => s === 429)).toBe(true);
    const res = await signIn(viewer.username, viewer.password, from);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await signIn(viewer.username, viewer.password, "192.0.2.78")).status).toBe(200);
  });

  test("a flood of sign-ins with random usernames is refused with 503 + Retry-After instead of queueing; a real sign-in works after", async () => {
    const flood = await Promise.all(
      Array.from({ length: 80 }, (_, i) => signIn(`nobody-${i}-${Math.random().toString(36).slice(2, 8)}`, "some-password", `100.64.${i >> 8}.${i & 255}`)),
    );
    const counts: Record<number, number> = {};
    for (const r of flood) counts[r.status] = (counts[r.status] ?? 0) + 1;
    expect(Object.keys(counts).map(Number).sort(), JSON.stringify(counts)).toEqual([401, 503]);
    const busy = flood.find((r) => r.status === 503)!;
    expect(busy.headers.get("content-type")).toContain("application/problem+json");
    expect(Number(busy.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await signIn(admin.username, admin.password, "198.51.100.8")).status).toBe(200);
  });

  test("setup on an installed instance answers 409, every time", async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        fetch(`${stack.baseUrl}/api/auth/setup`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-forwarded-for": `100.65.0.${i}` },
          body: JSON.stringify({ username: `intruder${i}`, password: "another-long-password" }),
        }),
      ),
    );
    // With hashing first, 40 at once would overflow the hashing queue (503); without it, all are 409.
    expect(answers.map((r) => r.status)).toEqual(Array(40).fill(409));
  });

  test("an API key scoped to the WeChat app reads metrics of that app only; a signed-in user sees all", async () => {
    const session = await apiSession(stack.baseUrl, "admin");
    const apps = (await (await session.fetch("/api/apps")).json()).apps as { id: string; appId: string; vendor: string }[];
    const wechat = apps.find((a) => a.appId === WECHAT_APP_ID)!;
    const others = apps.filter((a) => a.vendor !== "wechat");
    expect(others.map((a) => a.vendor).sort()).toEqual(expect.arrayContaining(["faceid", "feishu", "yzb"]));
    const created = await session.fetch("/api/keys", { method: "POST", body: JSON.stringify({ name: "wechat-scraper", appRefs: [wechat.id] }) });
    expect(created.status).toBe(201);
    const { key } = (await created.json()) as { key: string };

    const scoped = await fetch(`${stack.baseUrl}/api/metrics`, { headers: { authorization: `Bearer ${key}` } });
    expect(scoped.status).toBe(200);
    const text = await scoped.text();
    expect(text).toContain(`app_id="${WECHAT_APP_ID}"`);
    for (const a of others) expect(text, `${a.vendor} app id in a WeChat key's metrics`).not.toContain(a.appId);
    expect(text).not.toMatch(/vendor="(feishu|faceid|yzb)"/);

    const everything = await (await session.fetch("/api/metrics")).text();
    for (const a of apps) expect(everything).toContain(`app_id="${a.appId}"`);
  });
});
