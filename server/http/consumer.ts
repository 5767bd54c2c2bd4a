import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { textIn, unixSeconds } from "@/lib/input-rules";
import { numberIn } from "@/lib/number-rule";
import { CREDENTIAL_KINDS, isVendor, kindSpec, type CredentialKind, type VendorId } from "@/lib/credential-kinds";
import { findApp } from "../apps/find-app";
import { now } from "../clock";
import { internalError, json, problem } from "./problem";
import { jsSdkSignature } from "../signatures";
import { limits } from "../auth/rate-limit";
import { refreshCredential, refreshInFlight } from "../tickets/refresh-credential";
import { NotServableError, serveCredential, storedGeneration, type Served } from "../tickets/serve-credential";
import type { KeyHolder } from "../consumer/api-keys";
import { authenticateKey } from "./api-key";
import { matchesEtag } from "./etag";
import { readBody } from "./input";
import { STALE_HEADER, staleHeaderValue, trackStaleReads } from "../fast/cache-store";

type AppParams = { vendor: string; appId: string };

/** The key, and the app it may read; or the 4xx that says why not. */
async function admit(req: Request, p: AppParams): Promise<{ key: KeyHolder; app: { id: string; vendor: VendorId; appId: string } } | Response> {
  const key = await authenticateKey(req);
  if (!isVendor(p.vendor)) return problem(404, "Unknown vendor", "vendor: must be one of wechat, feishu, faceid, yzb", { field: "vendor" });
  if (!/^[0-9A-Za-z_-]{1,64}$/.test(p.appId)) return problem(400, "Invalid app id", "appId: must be 1–64 letters, digits, _ or -", { field: "appId" });
  const app = await findApp(p.vendor, p.appId);
  if (!app || !key.appRefs.has(app.id)) {
    return problem(403, "Not allowed for this key", `API key ${key.prefix}… may not read ${p.vendor} ${p.appId}: it is scoped to other apps.`);
  }
  return { key, app: { id: app.id, vendor: p.vendor, appId: app.appId } };
}

export function etagOf(appRef: string, kind: string, generation: number): string {
  return `"${appRef}.${kind}.${generation}"`;
}

export const CREDENTIAL_CACHE_CONTROL = "private, no-cache";

/**
 * The body of a credential read, one implementation for the route handler and the fast path:
 * the part fixed for a value (serialised once per value by the fast path), then the per-read tail.
 */
export function credentialJsonHead(app: { vendor: string; appId: string }, kind: string, served: Pick<Served, "value" | "expiresAt" | "generation">): string {
  const head = JSON.stringify({
    vendor: app.vendor,
    appId: app.appId,
    kind,
    value: served.value,
    expiresAt: served.expiresAt.toISOString(),
    generation: served.generation,
  });
  return head.slice(0, -1);
}

export function credentialJson(head: string, expiresAt: Date, servedAt: Date): string {
  return `${head},"remainingSeconds":${Math.floor((expiresAt.getTime() - servedAt.getTime()) / 1000)},"servedAt":"${servedAt.toISOString()}"}`;
}

/**
 * GET /api/v1/apps/:vendor/:appId/:kind → the current value, its expiry and generation, with an
 * ETag; `If-None-Match` with the current ETag gets 304 (the value is unchanged).
 */
export async function readCredential(req: Request, p: AppParams & { kind: string }): Promise<Response> {
  const { value, staleSince } = await trackStaleReads(() => readCredentialFresh(req, p));
  if (staleSince) value.headers.set(STALE_HEADER, staleHeaderValue(staleSince));
  return value;
}

async function readCredentialFresh(req: Request, p: AppParams & { kind: string }): Promise<Response> {
  try {
    const admitted = await admit(req, p);
    if (admitted instanceof Response) return admitted;
    const { app } = admitted;
    const spec = kindSpec(app.vendor, p.kind);
    if (!spec)
      return problem(404, "Unknown credential kind", `kind: ${app.vendor} has ${CREDENTIAL_KINDS.filter((k) => kindSpec(app.vendor, k)).join(", ")}`, {
        field: "kind",
      });
    const served = await serveCredential({ appRef: app.id, kind: spec.kind as CredentialKind });
    const etag = etagOf(app.id, spec.kind, served.generation);
    const headers = { etag, "cache-control": CREDENTIAL_CACHE_CONTROL, "x-tickethub-path": "route" };
    if (matchesEtag(req.headers.get("if-none-match"), etag)) return new Response(null, { status: 304, headers });
    return new Response(credentialJson(credentialJsonHead(app, spec.kind, served), served.expiresAt, now()), {
      headers: { ...headers, "content-type": "application/json" },
    });
  } catch (err) {
    return internalError(err, "GET /api/v1/apps/:vendor/:appId/:kind");
  }
}

const signBody = z
  .object({
    url: textIn(2048, { required: true })
      // A #fragment is allowed and left out of the signature, as the JS-SDK expects.
      .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), { message: "must be the page's absolute http(s) URL" }),
    timestamp: unixSeconds().optional(),
    nonceStr: z
      .string({ error: "must be a string" })
      .min(1, { error: "must not be empty" })
      .max(32, { error: "must be at most 32 characters" })
      .regex(/^[A-Za-z0-9]+$/, { error: "letters and digits only" })
      .optional(),
  })
  .strict();

/**
 * POST /api/v1/apps/:vendor/:appId/jssdk-signature {url, timestamp?, nonceStr?} → {appId,
 * timestamp, nonceStr, signature}: what a page passes to wx.config / h5sdk.config. The ticket stays here.
 */
export async function signForPage(req: Request, p: AppParams): Promise<Response> {
  const { value, staleSince } = await trackStaleReads(() => signForPageFresh(req, p));
  if (staleSince) value.headers.set(STALE_HEADER, staleHeaderValue(staleSince));
  return value;
}

async function signForPageFresh(req: Request, p: AppParams): Promise<Response> {
  try {
    const admitted = await admit(req, p);
    if (admitted instanceof Response) return admitted;
    const { app } = admitted;
    if (app.vendor !== "wechat" && app.vendor !== "feishu") {
      return problem(400, "No JS-SDK for this vendor", `vendor: JS-SDK signatures exist for wechat and feishu, not ${app.vendor}`, { field: "vendor" });
    }
    const body = await readBody(req, signBody);
    const timestamp = body.timestamp ?? Math.floor(now().getTime() / 1000);
    const nonceStr = body.nonceStr ?? randomBytes(12).toString("base64url").replace(/[-_]/g, "x");
    const ticket = await serveCredential({ appRef: app.id, kind: "jsapi_ticket" });
    const { signature } = jsSdkSignature({ ticket: ticket.value, nonceStr, timestamp, url: body.url });
    return json({ appId: app.appId, timestamp, nonceStr, signature, ticketGeneration: ticket.generation });
  } catch (err) {
    if (err instanceof NotServableError)
      return problem(503, "No valid ticket", err.message, { failure: err.failure }, { "retry-after": String(err.retryAfterSeconds ?? 5) });
    return internalError(err, "POST /api/v1/apps/:vendor/:appId/jssdk-signature");
  }
}

const refusedBody = z
  .object({
    generation: numberIn(0, Number.MAX_SAFE_INTEGER, "must be the generation of the value the vendor refused (a whole number ≥ 0)", { int: true }),
  })
  .strict();

/**
 * POST /api/v1/apps/:vendor/:appId/:kind/refused {generation}: the vendor refused this value (WeChat
 * 40001/42001, …). "Refresh only if the value is still the one I have": when `generation` is still
 * current, one refresh (single-flight across instances, compare-and-set on the generation), and every
 * caller reporting the same generation gets the value it produced; when the stored one is already
 * newer, that one at once, with no vendor call. The answer has the read's shape, plus `refreshed`.
 */
export async function reportRefused(req: Request, p: AppParams & { kind: string }): Promise<Response> {
  try {
    const admitted = await admit(req, p);
    if (admitted instanceof Response) return admitted;
    const { app, key } = admitted;
    const spec = kindSpec(app.vendor, p.kind);
    if (!spec) return problem(404, "Unknown credential kind", `kind: ${app.vendor} has no ${p.kind.slice(0, 40)}`, { field: "kind" });
    const body = await readBody(req, refusedBody);
    const kind = spec.kind as CredentialKind;
    const stored = await storedGeneration(app.id, kind);
    if (!stored) return problem(404, "Unknown credential kind", `kind: this app has no ${kind}`, { field: "kind" });
    if (body.generation > stored.generation) {
      return problem(409, "No such generation yet", `generation: ${body.generation} is newer than the stored generation ${stored.generation}`, {
        field: "generation",
        generation: stored.generation,
      });
    }
    let refreshed = false;
    if (body.generation === stored.generation) {
      // The vendor call is counted before it is made (a reservation), so concurrent reports for
      // several credentials cannot all pass the check before any is counted; joining a refresh of
      // this credential already running here costs nothing, and a refresh that turns out joined
      // (another process held the lease, or the value moved meanwhile) gives its reservation back.
      // Failures count too: a service that reports in a loop while the vendor fails must not make
      // a vendor call per report.
      const joining = refreshInFlight(stored.id);
      const reserved = joining ? null : limits.refused.reserve(key.id);
      if (reserved && "retryAfterSeconds" in reserved)
        return problem(
          429,
          "Too many refusals reported",
          `At most ${limits.refused.limit} refreshes a minute from one API key; wait ${reserved.retryAfterSeconds} s.`,
          {},
          { "retry-after": String(reserved.retryAfterSeconds) },
        );
      const result = await refreshCredential({
        credentialId: stored.id,
        reason: `refused at the vendor (reported by API key ${key.prefix}…)`,
        need: { type: "ifGeneration", generation: body.generation },
      });
      if (reserved && result.joined && !(result.ok && result.vendorCalled)) reserved.giveBack();
      if (!result.ok) return problem(502, "Refresh failed", result.message, { failure: result.failure }, { "retry-after": "5" });
      refreshed = !result.joined;
    }
    // From the database: the refresh may have been stored by another instance a moment ago.
    const served = await serveCredential({ appRef: app.id, kind, fresh: true });
    const etag = etagOf(app.id, kind, served.generation);
    const head = credentialJsonHead(app, kind, served);
    return new Response(`${credentialJson(head, served.expiresAt, now()).slice(0, -1)},"refreshed":${refreshed}}`, {
      headers: { etag, "cache-control": "no-store", "content-type": "application/json" },
    });
  } catch (err) {
    return internalError(err, "POST /api/v1/apps/:vendor/:appId/:kind/refused");
  }
}
