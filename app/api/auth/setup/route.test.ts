import { beforeEach, describe, expect, it, vi } from "vitest";

// The route with its collaborators replaced: what matters is whether it hashes at all.
const hashPassword = vi.fn(async () => "scrypt$…");
const countUsers = vi.fn(async () => 3);
const txCount = vi.fn(async () => 3);
vi.mock("@/server/auth/password", () => ({ hashPassword }));
vi.mock("@/server/auth/users", () => ({ countUsers }));
vi.mock("@/server/auth/session", () => ({
  createSession: vi.fn(async () => ({ token: "t", csrf: "c", expiresAt: new Date() })),
  sessionFromToken: vi.fn(async () => null),
}));
vi.mock("@/server/http/session-cookies", () => ({
  sessionResponse: vi.fn((_req: Request, body: unknown, status: number) => Response.json(body, { status })),
  sessionToken: vi.fn(() => null),
}));
vi.mock("@/server/db", () => ({
  getDb: () => ({
    $transaction: async <T>(fn: (tx: unknown) => Promise<T>) =>
      fn({ user: { count: txCount, create: vi.fn(async () => ({ id: "u1", username: "ops" })) }, auditEvent: { create: vi.fn(async () => ({})) } }),
    auditEvent: { create: vi.fn(async () => ({})) },
  }),
}));

const { POST } = await import("./route");
const setup = () =>
  POST(
    new Request("http://127.0.0.1/api/auth/setup", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "intruder", password: "another-long-password" }),
    }),
  );

describe("POST /api/auth/setup", () => {
  beforeEach(() => {
    hashPassword.mockClear();
  });

  it("answers 409 on an installed instance without hashing the password", async () => {
    countUsers.mockResolvedValue(3);
    const res = await setup();
    expect(res.status).toBe(409);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(hashPassword).not.toHaveBeenCalled();
  });

  it("still checks inside the transaction: a race past the first count ends in 409, not a second admin", async () => {
    countUsers.mockResolvedValue(0);
    txCount.mockResolvedValue(1);
    expect((await setup()).status).toBe(409);
    expect(hashPassword).toHaveBeenCalledTimes(1);
  });

  it("creates the first admin on an empty install", async () => {
    countUsers.mockResolvedValue(0);
    txCount.mockResolvedValue(0);
    expect((await setup()).status).toBe(201);
  });
});
