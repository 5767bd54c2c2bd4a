import { z } from "zod";
import { textIn } from "./input-rules";

// What the dashboard's signature tools accept (POST /api/signatures/jssdk and /faceid): one set of
// schemas, checked by the route and, before anything is sent, by the form, which shows every
// broken rule at once beside its field, in the page's language.

/** From here a timestamp reads as milliseconds: 1e11 seconds is the year 5138, 1e11 ms is 1973. */
export const MILLISECONDS_FROM = 100_000_000_000;
export const looksLikeMilliseconds = (timestamp: number) => timestamp >= MILLISECONDS_FROM;

const timestampRule = "must be a unix time: a whole number of seconds (milliseconds are signed as given)";
/** A unix time, in seconds or, as pages sometimes send it, milliseconds (up to the year 2286): signed as given. */
const timestamp = z
  .number({ error: timestampRule })
  .int({ error: timestampRule })
  .min(0, { error: timestampRule })
  .max(9_999_999_999_999, { error: timestampRule });

const absoluteUrl = (u: string) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol);

/** The signature the page sent, to compare with the one computed. */
const pageSignature = z
  .string({ error: "must be a string" })
  .trim()
  .regex(/^[0-9a-fA-F]{40}$/, { error: "must be a SHA1 signature: 40 characters 0-9 and a-f" })
  .optional();

const jsSdkCommon = {
  url: textIn(2048, { required: true }).refine(absoluteUrl, { message: "must be an absolute URL (http://… or https://…)" }),
  nonceStr: textIn(64, { required: true }).regex(/^[A-Za-z0-9_-]+$/, { message: "letters, digits, _ and - only" }),
  timestamp,
  pageSignature,
};

const credentialId = z.string({ error: "is required" }).regex(/^[a-z0-9]{1,64}$/i, { error: "must be a credential id (letters and digits)" });

/** The JS-SDK signature with an app's current ticket (it stays on the server). */
export const jsSdkWithCredential = z.object({ credentialId, ...jsSdkCommon }).strict();
/** The JS-SDK signature with a ticket the user pasted. */
export const jsSdkWithTicket = z.object({ ticket: textIn(512, { required: true }), ...jsSdkCommon }).strict();

/**
 * FaceID's sign over sorted values: every value it needs is required, each by its vendor rule
 * (wbappid 8 letters or digits; userId as the NONCE's user_id; nonceStr 32 letters or digits at
 * most; version "1.0.0"), so an empty one is refused instead of silently signed without it.
 */
const faceidCommon = {
  wbappid: z
    .string({ error: "is required" })
    .min(1, { error: "is required" })
    .regex(/^[0-9A-Za-z]{8}$/, { error: "must be the WBappid: 8 letters or digits" }),
  userId: z
    .string({ error: "is required" })
    .min(1, { error: "is required" })
    .max(30, { error: "must be at most 30 characters" })
    .regex(/^[A-Za-z0-9_-]+$/, { error: "letters, digits, _ and - only" }),
  nonceStr: z
    .string({ error: "is required" })
    .min(1, { error: "is required" })
    .max(32, { error: "must be at most 32 characters" })
    .regex(/^[A-Za-z0-9]+$/, { error: "letters and digits only" }),
  version: z
    .string({ error: "is required" })
    .min(1, { error: "is required" })
    .regex(/^\d+\.\d+\.\d+$/, { error: 'must be a version such as "1.0.0"' }),
};
/** The FaceID sign with an app's current SIGN ticket (it stays on the server). */
export const faceidWithCredential = z.object({ credentialId, ...faceidCommon }).strict();
/** The FaceID sign with a ticket the user pasted. */
export const faceidWithTicket = z.object({ ticket: textIn(512, { required: true }), ...faceidCommon }).strict();

export type JsSdkInput = z.infer<typeof jsSdkWithCredential> | z.infer<typeof jsSdkWithTicket>;
export type FaceidInput = z.infer<typeof faceidWithCredential> | z.infer<typeof faceidWithTicket>;

/** Why a page's signature differs from the computed one, when one of the usual slips reproduces it. */
export const MISMATCH_CAUSES = ["fragment", "encodedUrl", "decodedUrl", "milliseconds", "nonceStrSpelling", "previousTicket"] as const;
export type MismatchCause = (typeof MISMATCH_CAUSES)[number];
