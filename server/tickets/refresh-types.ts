import "server-only";
import type { FailureClass } from "../vendors/types";

/**
 * The shapes refreshCredential takes and answers, in their own module so that the parts it calls
 * (fetch-with-parent.ts, which refreshes the parent token through it) can name them without an import cycle.
 */
/**
 * Who asked, for the audit log: the row is written in the transaction that stores the new value (or
 * records the failure), so a refresh that changed nothing leaves no "refreshed" row behind. `audited`
 * in the result says whether it was written; a caller that joined someone else's refresh writes its own.
 */
export type AuditNote = { actor: string; action: string; describe: (generation: number) => string /** Defaults to the credential. */; target?: string };

export type RefreshResult =
  /** `vendorCalled`: a joined refresh that still made its own vendor call (another writer stored a newer value first). */
  | { credentialId: string; ok: true; joined: boolean; boundTickets?: string[]; audited?: boolean; vendorCalled?: boolean }
  | { credentialId: string; ok: false; joined: boolean; failure: FailureClass; message: string; audited?: boolean };

/**
 * When a refresh is still wanted once the lease is ours (another instance may have just done it):
 * "always" (the Refresh button), "due" (the scheduler: nextRefreshAt has come), or "stale" (a read
 * or a ticket needs a value with at least `minSeconds` left, and not the version a vendor refused).
 */
export type Need =
  | { type: "always" }
  | { type: "due" }
  | { type: "stale"; minSeconds: number; refusedVersionId?: string | null }
  /** Compare-and-refresh: only while the stored generation is still the one the caller saw (a person's Refresh, a consumer's 40001). */
  | { type: "ifGeneration"; generation: number };

export type RefreshCredential = (args: { credentialId: string; reason: string; need?: Need; audit?: AuditNote }) => Promise<RefreshResult>;
