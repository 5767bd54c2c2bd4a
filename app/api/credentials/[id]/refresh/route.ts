import { z } from "zod";
import { guarded } from "@/server/auth/guard";
import { limits } from "@/server/auth/rate-limit";
import { now } from "@/server/clock";
import { getDb } from "@/server/db";
import { json, problem } from "@/server/http/problem";
import { listCredentials } from "@/server/tickets/list-credentials";
import { NotFoundError, refreshCredential } from "@/server/tickets/refresh-credential";

const paramsSchema = z.object({ id: z.string().min(1).max(64).regex(/^[a-z0-9]+$/i) }).strict();

export const POST = guarded("operator", "POST /api/credentials/:id/refresh", async (_req: Request, ctx: { params: Promise<{ id: string }> }, user) => {
  const params = paramsSchema.safeParse(await ctx.params);
  if (!params.success) return problem(400, "Invalid credential id", "id: must be 1–64 letters or digits");
  const wait = limits.refresh.hit(user.username);
  if (wait) return problem(429, "Too many refreshes", `At most ${limits.refresh.limit} manual refreshes a minute; wait ${wait.retryAfterSeconds} s.`, {}, { "retry-after": String(wait.retryAfterSeconds) });
  try {
    const result = await refreshCredential({ credentialId: params.data.id, reason: "manual" });
    const [credential] = await listCredentials({ credentialId: params.data.id });
    if (!credential) return problem(404, "Credential not found", `No credential with id ${params.data.id}`);
    await getDb().auditEvent.create({
      data: {
        actor: user.username,
        action: "credential.refresh",
        target: credential.id,
        outcome: result.ok ? (result.joined ? "joined a running refresh" : "refreshed") : `failed: ${result.failure}`,
        detail: `${credential.appName} ${credential.kind} generation ${credential.generation}${result.ok ? "" : `: ${result.message}`}`,
      },
    });
    if (!result.ok) {
      return problem(502, "Refresh failed", result.message, { failure: result.failure, credential, serverTime: now().toISOString() });
    }
    return json({ serverTime: now().toISOString(), joined: result.joined, credential });
  } catch (err) {
    if (err instanceof NotFoundError) return problem(404, "Credential not found", `No credential with id ${params.data.id}`);
    throw err;
  }
});
