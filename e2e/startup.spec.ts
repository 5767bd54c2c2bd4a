import { expect, test } from "@playwright/test";
import { freePort } from "../scripts/lib/postgres";
import { spawnStart } from "./support/stack";

test.describe("clear messages when something is missing", () => {
  test("a malformed DATABASE_URL stops the start with a message naming the variable", async () => {
    const { output, exited } = spawnStart({ DATABASE_URL: "mysql://root@localhost/hub", PORT: String(await freePort()) });
    expect(await exited).toBe(1);
    expect(output()).toContain('DATABASE_URL: must start with "file:" (SQLite) or "postgresql://" (PostgreSQL)');
    expect(output()).not.toMatch(/\n\s+at /); // no stack trace
  });

  test("an unreachable PostgreSQL stops the start and says where it looked", async () => {
    const port = await freePort();
    const { output, exited } = spawnStart({ DATABASE_URL: `postgresql://hub:pw@127.0.0.1:${port}/hub`, PORT: String(await freePort()) });
    expect(await exited).toBe(1);
    expect(output()).toContain(`cannot prepare the database (PostgreSQL 127.0.0.1:${port}/hub)`);
    expect(output()).toContain("Check DATABASE_URL");
    expect(output()).not.toContain("pw@");
    expect(output()).not.toMatch(/\n\s+at /);
  });

  test("a missing sandbox shows on /api/health as degraded, naming it", async ({ request }) => {
    const port = await freePort();
    const sandboxPort = await freePort();
    const { child, output, exited } = spawnStart({ TICKETHUB_SANDBOX: "external", PORT: String(port), SANDBOX_PORT: String(sandboxPort) });
    try {
      // Values already fetched would still be served; refreshes fail: degraded, not down.
      await expect
        .poll(async () => (await request.get(`http://127.0.0.1:${port}/api/health`).catch(() => null))?.status(), { timeout: 90_000, message: output() })
        .toBe(200);
      const body = await (await request.get(`http://127.0.0.1:${port}/api/health`)).json();
      expect(body).toMatchObject({ status: "degraded", database: "ok" });
      expect(body.sandbox).toContain(`unreachable at http://127.0.0.1:${sandboxPort}`);
      expect(body.problems.join(" ")).toContain("vendor sandbox unreachable");
      // A load balancer that wants degraded instances out of rotation asks for another code.
      expect((await request.get(`http://127.0.0.1:${port}/api/health?degradedcode=429`)).status()).toBe(429);
    } finally {
      // The start script may already have gone (its process group with it): nothing left to stop then.
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        /* already gone */
      }
      await exited;
    }
  });
});
