import "server-only";
import type { FailureClass } from "../vendors/types";

/**
 * The shapes refreshCredential takes and answers, in their own module so that the parts it calls
 * (fetch-with-parent.ts, which refreshes the parent token through it) can name them without an import cycle.
 */
export type RefreshResult =
  | { credentialId: string; ok: true; joined: boolean; boundTickets?: string[] }
  | { credentialId: string; ok: false; joined: boolean; failure: FailureClass; message: string };

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

export type RefreshCredential = (args: { credentialId: string; reason: string; need?: Need }) => Promise<RefreshResult>;
