import "server-only";

/** Every vendor failure falls into one of these; the lifecycle engine acts on the class only. */
export type FailureClass = "invalid-credential" | "busy" | "rate-limited" | "quota-exhausted" | "bad-config" | "bad-response" | "network";

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
