import "server-only";
import type { VendorApp } from "@/generated/sqlite/client";
import type { CredentialKind, VendorId } from "@/lib/credential-kinds";
import { now } from "../clock";
import type { Db } from "../db";
import { endpointFor } from "../quota/quota";
import { sentence } from "@/lib/sentence";
import { QUOTA_PAUSE_REASON } from "./failure-policy";
import { nextRefreshAt, policyFor, type PolicyOverrides } from "./policy";
import { english } from "./sentences";

// Pausing and lifting are one rule seen from both ends (same endpoint, same reason string), so they share a file.

/** Other credentials of the app that call the same endpoint (WeChat jsapi and wx_card) wait for the reset too. */
export async function pauseSiblings(db: Db, slot: { id: string; appRef: string; kind: string }, until: Date, reason: string) {
  const app = await db.vendorApp.findUnique({ where: { id: slot.appRef }, include: { credentials: true } });
  if (!app) return;
  const endpoint = endpointFor(app, slot.kind as CredentialKind);
  const siblings = app.credentials.filter((c) => c.id !== slot.id && endpointFor(app, c.kind as CredentialKind) === endpoint).map((c) => c.id);
  if (siblings.length) {
    await db.credential.updateMany({
      where: { id: { in: siblings }, nextRefreshAt: { lt: until } },
      data: { nextRefreshAt: until, nextRefreshReason: reason },
    });
  }
}

/**
 * A call the vendor accepted shows the endpoint's quota is not used up (any more): credentials of the
 * app that call it and were paused by a quota error go back to their own schedule, or are due now if
 * that has passed. Without this one 45009 on jsapi kept wx_card paused for hours after jsapi recovered.
 * Answers how many it rescheduled.
 */
export async function liftQuotaPause(
  db: Db,
  args: {
    slotId: string;
    app: Pick<VendorApp, "id" | "vendor" | "tokenVariant" | "tokenPath">;
    vendor: VendorId;
    kind: CredentialKind;
    overrides: PolicyOverrides;
  },
) {
  const { app } = args;
  const endpoint = endpointFor(app, args.kind);
  // Only the app's paused credentials are read: after every successful refresh, usually none.
  const paused = (await db.credential.findMany({ where: { appRef: app.id, id: { not: args.slotId }, nextRefreshReason: QUOTA_PAUSE_REASON } })).filter(
    (c) => endpointFor(app, c.kind as CredentialKind) === endpoint,
  );
  let lifted = 0;
  for (const c of paused) {
    const v = c.currentVersionId ? await db.credentialVersion.findUnique({ where: { id: c.currentVersionId } }) : null;
    const policy = policyFor(args.vendor, c.kind as CredentialKind, args.overrides);
    const own = v ? nextRefreshAt(policy, v.fetchedAt, v.expiresIn) : null;
    const at = now();
    const due = !own || own < at;
    // Compare-and-set: leave it alone if its own refresh rescheduled it meanwhile.
    const { count } = await db.credential.updateMany({
      where: { id: c.id, nextRefreshAt: c.nextRefreshAt, nextRefreshReason: QUOTA_PAUSE_REASON },
      data: {
        nextRefreshAt: due ? at : own,
        nextRefreshReason: english(due ? sentence("reason.quotaLifted", { endpoint }) : sentence("reason.scheduled", { policy: policy.sentence })),
      },
    });
    lifted += count;
  }
  return lifted;
}
