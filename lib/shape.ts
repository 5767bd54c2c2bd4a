// Tiny runtime checks for the overview's API answers. The overview is the page every ops person
// keeps open, so it ships without a schema library (zod alone is ~25 kB gzip); these checks
// still refuse an answer of the wrong shape with a message naming the field.
import type { CredentialList, CredentialView, RefreshResponse } from "./credential-view";

export class ShapeError extends Error {}

type Check<T> = (x: unknown, at: string) => T;
const fail = (at: string, want: string): never => {
  throw new ShapeError(`unexpected answer from Ticket Hub: ${at} should be ${want}`);
};
export const str: Check<string> = (x, at) => (typeof x === "string" ? x : fail(at, "a string"));
export const num: Check<number> = (x, at) => (typeof x === "number" && Number.isFinite(x) ? x : fail(at, "a number"));
export const bool: Check<boolean> = (x, at) => (typeof x === "boolean" ? x : fail(at, "true or false"));
export const obj: Check<Record<string, unknown>> = (x, at) => (x !== null && typeof x === "object" && !Array.isArray(x) ? (x as Record<string, unknown>) : fail(at, "an object"));
export const arr: Check<unknown[]> = (x, at) => (Array.isArray(x) ? x : fail(at, "a list"));
export const nullable =
  <T>(check: Check<T>): Check<T | null> =>
  (x, at) =>
    x === null ? null : check(x, at);
export const oneOf =
  <T extends string>(values: readonly T[]): Check<T> =>
  (x, at) =>
    typeof x === "string" && (values as readonly string[]).includes(x) ? (x as T) : fail(at, `one of ${values.join(", ")}`);

const STATUSES = ["pending", "active", "failing", "expired"] as const;

export function credentialView(x: unknown, at = "credential"): CredentialView {
  const o = obj(x, at);
  const f = (k: string) => `${at}.${k}`;
  for (const k of ["id", "vendor", "vendorLabel", "appRef", "appId", "appName", "kind", "kindLabel", "policy"]) str(o[k], f(k));
  oneOf(STATUSES)(o.status, f("status"));
  num(o.generation, f("generation"));
  num(o.consecutiveFailures, f("consecutiveFailures"));
  bool(o.refreshing, f("refreshing"));
  nullable(str)(o.nextRefreshAt, f("nextRefreshAt"));
  nullable(str)(o.nextRefreshReason, f("nextRefreshReason"));
  const cur = nullable(obj)(o.current, f("current"));
  if (cur) {
    str(cur.maskedValue, f("current.maskedValue"));
    str(cur.fetchedAt, f("current.fetchedAt"));
    str(cur.expiresAt, f("current.expiresAt"));
    num(cur.expiresIn, f("current.expiresIn"));
    nullable(str)(cur.vendorExpireTime, f("current.vendorExpireTime"));
  }
  const prev = nullable(obj)(o.previous, f("previous"));
  if (prev) (str(prev.maskedValue, f("previous.maskedValue")), str(prev.validUntil, f("previous.validUntil")));
  const lease = nullable(obj)(o.lease, f("lease"));
  if (lease) (str(lease.instance, f("lease.instance")), str(lease.expiresAt, f("lease.expiresAt")));
  const err = nullable(obj)(o.lastError, f("lastError"));
  if (err) str(err.message, f("lastError.message"));
  const q = nullable(obj)(o.quota, f("quota"));
  if (q) (str(q.endpoint, f("quota.endpoint")), num(q.used, f("quota.used")), nullable(num)(q.limit, f("quota.limit")), bool(q.exhausted, f("quota.exhausted")), str(q.resetsAt, f("quota.resetsAt")));
  return o as CredentialView;
}

export const credentialList = {
  parse(x: unknown): CredentialList {
    const o = obj(x, "answer");
    str(o.serverTime, "serverTime");
    arr(o.credentials, "credentials").forEach((c, i) => credentialView(c, `credentials[${i}]`));
    return o as CredentialList;
  },
};

export const refreshResponse = {
  parse(x: unknown): RefreshResponse {
    const o = obj(x, "answer");
    str(o.serverTime, "serverTime");
    bool(o.joined, "joined");
    bool(o.alreadyNewer, "alreadyNewer");
    credentialView(o.credential, "credential");
    return o as RefreshResponse;
  },
};

/** RFC 9457 problem details, when an answer is one. */
export function problemOf(x: unknown): { title: string; detail?: string } | null {
  if (x === null || typeof x !== "object") return null;
  const o = x as Record<string, unknown>;
  if (typeof o.title !== "string" || typeof o.status !== "number") return null;
  return { title: o.title, detail: typeof o.detail === "string" ? o.detail : undefined };
}

export const anything = { parse: (x: unknown) => x };
