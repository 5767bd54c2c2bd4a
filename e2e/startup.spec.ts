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

  test("a missing sandbox shows on /api/health as a 503 naming it", async ({ request }) => {
    const port = await freePort();
    const sandboxPort = await freePort();
    const { child, exited } = spawnStart({ TICKETHUB_SANDBOX: "external", PORT: String(port), SANDBOX_PORT: String(sandboxPort) });
    try {
      await expect
        .poll(async () => (await request.get(`http://127.0.0.1:${port}/api/health`).catch(() => null))?.status(), { timeout: 60_000 })
        .toBe(503);
      const res = await request.get(`http://127.0.0.1:${port}/api/health`);
      const body = await res.json();
      expect(body).toMatchObject({ status: "error", database: "ok" });
      expect(body.sandbox).toContain(`unreachable at http://127.0.0.1:${sandboxPort}`);
    } finally {
      process.kill(-child.pid!, "SIGTERM");
      await exited;
    }
  });
});
