import "server-only";
import { sentenceOfFailure } from "./sentences";
import type { CredentialView } from "@/lib/credential-view";
import { limits } from "../auth/rate-limit";
import { now } from "../clock";
import { getDb } from "../db";
import { AppError, notFound } from "../errors";
import { listCredentials } from "./list-credentials";
import { NotFoundError, refreshCredential } from "./refresh-credential";

export type OperatorRefresh = { serverTime: string; joined: boolean; alreadyNewer: boolean; credential: CredentialView };

/**
 * An operator's "refresh now". With `ifGeneration` (the dashboard always sends the generation the
 * operator saw) it is a compare-and-refresh: when the stored generation is already newer, the answer
 * is that value and no vendor call is made, so twenty operators clicking at once cost one call.
 */
export async function refreshByOperator({ input, actor }: { input: { credentialId: string; ifGeneration?: number }; actor: string }): Promise<OperatorRefresh> {
  const { credentialId, ifGeneration } = input;
  const [seen] = await listCredentials({ credentialId });
  if (!seen) throw notFound("credential", credentialId);
  if (ifGeneration !== undefined && ifGeneration > seen.generation) {
    throw new AppError("conflict", "No such generation yet", `${ifGeneration} is newer than the stored generation ${seen.generation}`, {
      field: "ifGeneration",
      extra: { generation: seen.generation },
    });
  }
  if (ifGeneration !== undefined && ifGeneration < seen.generation) {
    return { serverTime: now().toISOString(), joined: true, alreadyNewer: true, credential: seen };
  }
  const wait = limits.refresh.hit(actor);
  if (wait)
    throw new AppError("too-many", "Too many refreshes", `At most ${limits.refresh.limit} manual refreshes a minute; wait ${wait.retryAfterSeconds} s.`, {
      retryAfterSeconds: wait.retryAfterSeconds,
    });
  let result;
  try {
    result = await refreshCredential({
      credentialId,
      reason: "manual",
      need: ifGeneration === undefined ? { type: "always" } : { type: "ifGeneration", generation: ifGeneration },
      // Written in the transaction that stores the value (or records the failure).
      audit: { actor, action: "credential.refresh", describe: (generation) => `${seen.appName} ${seen.kind} generation ${generation}` },
    });
  } catch (err) {
    if (err instanceof NotFoundError) throw notFound("credential", credentialId);
    throw err;
  }
  const [credential] = await listCredentials({ credentialId });
  if (!credential) throw notFound("credential", credentialId);
  if (!result.audited) {
    // Joined a refresh someone else ran (or it was no longer needed): nothing changed on this caller's
    // behalf, so the row stands alone (the change it saw was audited in its own transaction).
    await getDb().auditEvent.create({
      data: {
        at: now(),
        actor,
        action: "credential.refresh",
        target: credential.id,
        outcome: result.ok ? "joined a running refresh" : `failed: ${result.failure}`,
        detail: `${credential.appName} ${credential.kind} generation ${credential.generation}${result.ok ? "" : `: ${result.message}`}`,
      },
    });
  }
  if (!result.ok)
    throw new AppError("upstream", "Refresh failed", result.message, {
      // `detailSentence`: the detail as a code and parameters, for the dashboard's language (a quota pause says why with a reason).
      extra: { failure: result.failure, credential, serverTime: now().toISOString(), detailSentence: sentenceOfFailure(result.message) },
    });
  // Joined: a refresh that was already running (here or on another instance) produced the value.
  return { serverTime: now().toISOString(), joined: result.joined, alreadyNewer: false, credential };
}
