import { z } from "zod";
import { internalError, json, problem } from "@/server/http/problem";
import { NotServableError } from "@/server/tickets/serve-credential";
import { SignError, signJsSdk } from "@/server/tickets/sign-jssdk";

const bodySchema = z
  .object({
    credentialId: z.string().min(1).max(64),
    url: z.string().min(1).max(2048).refine((u) => URL.canParse(u), { message: "must be an absolute URL" }),
    nonceStr: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, { message: "letters, digits, _ and - only" }),
    timestamp: z.number().int().min(0).max(4_102_444_800),
  })
  .strict();

export async function POST(req: Request) {
  const body = bodySchema.safeParse(await req.json().catch(() => undefined));
  if (!body.success) {
    const issue = body.error.issues[0];
    return problem(400, "Invalid request", issue ? `${issue.path.join(".") || "body"}: ${issue.message}` : "a JSON body is required");
  }
  try {
    return json(await signJsSdk(body.data));
  } catch (err) {
    if (err instanceof SignError) return problem(400, "Invalid request", err.message);
    if (err instanceof NotServableError) return problem(503, "No valid ticket", err.message);
    return internalError(err, "POST /api/signatures/jssdk");
  }
}
