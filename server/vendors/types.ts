import "server-only";
import { type FailureClass, isFailureClass } from "@/lib/failure-class";
import { errorLine, isDatabaseError } from "../errors";

export type { FailureClass } from "@/lib/failure-class";

export class VendorError extends Error {
  constructor(
    readonly failure: FailureClass,
    message: string,
    readonly detail: { httpStatus?: number; vendorCode?: string; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = "VendorError";
  }
}

/**
 * The class of what made a vendor call, a refresh or a NONCE fail: the vendor's own (a VendorError
 * or a refusal that carries one), `database` when this server's database refused or did not answer,
 * else `network`.
 */
export function failureOf(err: unknown): FailureClass {
  if (err instanceof VendorError) return err.failure;
  const carried = (err as { failure?: unknown } | null)?.failure;
  if (isFailureClass(carried)) return carried;
  return isDatabaseError(err) ? "database" : "network";
}

/**
 * What is stored and shown of that failure: a vendor's own message as it is, anything else in one
 * line (a database error's message spans several, starting with a blank one).
 */
export function failureMessageOf(err: unknown): string {
  return err instanceof VendorError ? err.message : errorLine(err);
}

/** One call to a vendor as it is recorded (body already redacted). */
export type CallRecord = {
  endpoint: string;
  method: string;
  startedAt: Date;
  latencyMs: number;
  httpStatus: number | null;
  vendorCode: string | null;
  vendorMessage: string | null;
  errorClass: FailureClass | null;
  bodyRedacted: string | null;
};

export type VendorContext = {
  baseUrl: string;
  appId: string;
  secret: string;
  tokenVariant: string;
  /** Token endpoint path where the vendor documents none (yzb); null → the module's default. */
  tokenPath: string | null;
  timeoutMs: number;
  /** Called once per upstream call, success or failure. */
  record: (call: CallRecord) => Promise<void> | void;
};

/** A token or ticket as a vendor handed it out, quirks already absorbed. */
export type Fetched = {
  value: string;
  /** Lifetime in seconds as the vendor stated it (validity = our fetch time + this). */
  expiresIn: number;
  /** The vendor's absolute expiry, for display only. */
  vendorExpireTime?: string;
};
