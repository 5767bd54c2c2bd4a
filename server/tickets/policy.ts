import "server-only";
import type { CredentialKind, VendorId } from "@/lib/credential-kinds";

export type Policy = {
  /** Seconds a superseded value stays valid at its vendor after a new one is fetched. */
  overlapSeconds: number;
  /** Share of the lifetime after which a refresh is scheduled. */
  refreshAtFraction: number;
  /** Random spread (± share of the lifetime) so instances and apps do not refresh in step. */
  jitterFraction: number;
  /** A token with less life left than this is refreshed before a ticket is fetched with it. */
  minParentRemainingSeconds: number;
  description: string;
};

const WECHAT_TOKEN: Policy = {
  overlapSeconds: 300,
  refreshAtFraction: 2 / 3,
  jitterFraction: 0.03,
  minParentRemainingSeconds: 120,
  description: "refresh at about 2/3 of the lifetime; the old token stays valid 5 min",
};

const WECHAT_TICKET: Policy = {
  // WeChat documents no overlap for tickets: a superseded ticket is not relied upon.
  overlapSeconds: 0,
  refreshAtFraction: 2 / 3,
  jitterFraction: 0.03,
  minParentRemainingSeconds: 120,
  description: "refresh at about 2/3 of the lifetime",
};

export function policyFor(vendor: VendorId, kind: CredentialKind): Policy {
  if (vendor === "wechat") return kind === "access_token" ? WECHAT_TOKEN : WECHAT_TICKET;
  return WECHAT_TICKET;
}

/** When the next proactive refresh is due, with jitter. */
export function nextRefreshAt(policy: Policy, fetchedAt: Date, expiresIn: number, random = Math.random): Date {
  const jitter = (random() * 2 - 1) * policy.jitterFraction;
  const seconds = expiresIn * Math.min(0.95, Math.max(0.05, policy.refreshAtFraction + jitter));
  return new Date(fetchedAt.getTime() + seconds * 1000);
}
