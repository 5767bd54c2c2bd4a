import "server-only";
import type { CredentialKind, VendorId } from "@/lib/credential-kinds";
import { cadenceProblem, policyOverridesSchema, VENDOR_CADENCES, type PolicyOverrides } from "@/lib/policy-overrides";
import { type Sentence, sentence } from "@/lib/sentence";
import { english } from "./sentences";

type Schedule =
  /** At a share of the lifetime, ± jitter (a share of the lifetime, or `jitterSeconds` when set). */
  | { type: "fraction"; fraction: number; jitter: number; jitterSeconds?: number }
  /** A fixed interval, whatever the lifetime (FaceID: every 20 minutes). */
  | { type: "every"; seconds: number; jitterSeconds: number }
  /** When this much lifetime is left (Feishu: inside the "< 30 min left" window). */
  | { type: "remaining"; seconds: number; jitterSeconds: number };

export type Policy = {
  /** Seconds a superseded value stays valid at its vendor after a new one is fetched. */
  overlapSeconds: number;
  schedule: Schedule;
  /** A new parent token makes this ticket due at once (the vendor kills tickets with their token). */
  refreshWithParent: boolean;
  /** A token with less life left than this is refreshed before a ticket is fetched with it. */
  minParentRemainingSeconds: number;
  /** The latest a refresh may come after the last one (a vendor's prescribed cadence); null when the vendor prescribes none. */
  maxIntervalSeconds?: number | null;
  description: string;
  /** The description as a code and parameters, for the dashboard to show in its language (a test keeps the two equal). */
  sentence: Sentence;
};

const TWO_THIRDS: Schedule = { type: "fraction", fraction: 2 / 3, jitter: 0.03 };

const POLICIES: Record<VendorId, Partial<Record<CredentialKind, Policy>>> = {
  wechat: {
    access_token: {
      overlapSeconds: 300,
      schedule: TWO_THIRDS,
      refreshWithParent: false,
      minParentRemainingSeconds: 120,
      description: "refresh at about 2/3 of the lifetime; the old token stays valid 5 min",
      sentence: sentence("policy.wechatToken"),
    },
    // WeChat documents no overlap for tickets and does not tie them to the token.
    jsapi_ticket: {
      overlapSeconds: 0,
      schedule: TWO_THIRDS,
      refreshWithParent: false,
      minParentRemainingSeconds: 120,
      description: "refresh at about 2/3 of the lifetime",
      sentence: sentence("policy.twoThirds"),
    },
    wx_card_ticket: {
      overlapSeconds: 0,
      schedule: TWO_THIRDS,
      refreshWithParent: false,
      minParentRemainingSeconds: 120,
      description: "refresh at about 2/3 of the lifetime",
      sentence: sentence("policy.twoThirds"),
    },
  },
  feishu: {
    access_token: {
      // Both the old and the new token stay valid until each expires.
      overlapSeconds: 7200,
      schedule: { type: "remaining", seconds: 25 * 60, jitterSeconds: 120 },
      refreshWithParent: false,
      minParentRemainingSeconds: 120,
      description: "refresh inside Feishu's <30 min window (with ≥30 min left it returns the same token); the old token stays valid until it expires",
      sentence: sentence("policy.feishuToken"),
    },
    jsapi_ticket: {
      overlapSeconds: 0,
      schedule: TWO_THIRDS,
      refreshWithParent: false,
      minParentRemainingSeconds: 120,
      description: "refresh at about 2/3 of the lifetime",
      sentence: sentence("policy.twoThirds"),
    },
  },
  faceid: {
    access_token: {
      overlapSeconds: 60,
      schedule: { type: "every", seconds: 20 * 60, jitterSeconds: 0 },
      refreshWithParent: false,
      minParentRemainingSeconds: 120,
      description: "refresh every 20 min, never concurrently; the old token stays valid 1 min",
      sentence: sentence("policy.faceidToken"),
    },
    sign_ticket: {
      overlapSeconds: 60,
      // Refreshed with its token; the fallback interval only matters if that cascade was missed.
      schedule: { type: "every", seconds: 21 * 60, jitterSeconds: 0 },
      refreshWithParent: true,
      minParentRemainingSeconds: 120,
      description: "refreshed together with its access token every 20 min; the old ticket stays valid 1 min and dies with its token",
      sentence: sentence("policy.faceidSign"),
    },
  },
  yzb: {
    access_token: {
      overlapSeconds: 0,
      schedule: TWO_THIRDS,
      refreshWithParent: false,
      minParentRemainingSeconds: 120,
      description: "refresh at about 2/3 of expire_in",
      sentence: sentence("policy.yzbToken"),
    },
    js_ticket: {
      overlapSeconds: 600,
      schedule: TWO_THIRDS,
      refreshWithParent: false,
      minParentRemainingSeconds: 120,
      description: "refresh at about 2/3 of expire_in; the old ticket stays valid 10 min",
      sentence: sentence("policy.yzbTicket"),
    },
  },
};

const FALLBACK: Policy = {
  overlapSeconds: 0,
  schedule: TWO_THIRDS,
  refreshWithParent: false,
  minParentRemainingSeconds: 120,
  description: "refresh at about 2/3 of the lifetime",
  sentence: sentence("policy.twoThirds"),
};

export { policyOverridesSchema, type PolicyOverrides };

/** The app's overrides; a stored value that no longer parses is ignored (and said so) rather than crashing a refresh. */
export function parsePolicyOverrides(json: string | null | undefined): PolicyOverrides {
  if (!json) return {};
  try {
    const parsed = policyOverridesSchema.safeParse(JSON.parse(json));
    if (parsed.success) return parsed.data;
    console.warn(`[policy] ignoring invalid policy overrides: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  } catch {
    console.warn("[policy] ignoring policy overrides that are not JSON");
  }
  return {};
}

export function policyFor(vendor: VendorId, kind: CredentialKind, overrides: PolicyOverrides = {}): Policy {
  const base = POLICIES[vendor][kind] ?? FALLBACK;
  const o = overrides.schedules?.[kind];
  if (!o) return base;
  const jitter = o.jitterSeconds;
  let schedule: Schedule = base.schedule;
  let what: Sentence | null = null;
  if (o.refreshAtFraction !== undefined) {
    schedule = { type: "fraction", fraction: o.refreshAtFraction, jitter: 0.03 };
    what = sentence("policy.atPercent", { percent: Math.round(o.refreshAtFraction * 100) });
  } else if (o.everySeconds !== undefined) {
    schedule = { type: "every", seconds: o.everySeconds, jitterSeconds: jitter ?? 0 };
    what = sentence("policy.everyMinutes", { minutes: Math.round(o.everySeconds / 60) });
  } else if (o.refreshWhenRemainingSeconds !== undefined) {
    schedule = { type: "remaining", seconds: o.refreshWhenRemainingSeconds, jitterSeconds: jitter ?? 0 };
    what = sentence("policy.minutesLeft", { minutes: Math.round(o.refreshWhenRemainingSeconds / 60) });
  }
  if (jitter !== undefined) schedule = { ...schedule, jitterSeconds: jitter };
  const overridden =
    jitter !== undefined
      ? sentence("policy.overrideJitter", { what: what ?? base.sentence, jitter })
      : sentence("policy.override", { what: what ?? base.sentence });
  // An override stored before the cadence was enforced at input is clamped, not obeyed: FaceID
  // fails authentication when its 20-minute cadence is stretched.
  const cadence = VENDOR_CADENCES[vendor];
  const clampedTo = cadence?.kinds.includes(kind) && cadenceProblem(vendor, { schedules: { [kind]: o } }) ? cadence.seconds : null;
  const described = clampedTo ? sentence("policy.clamped", { what: overridden, minutes: clampedTo / 60 }) : overridden;
  return { ...base, schedule, ...(clampedTo ? { maxIntervalSeconds: clampedTo } : {}), description: english(described), sentence: described };
}

/**
 * When the next proactive refresh is due, with jitter; always inside the lifetime. A fixed
 * interval ("every 20 min") counts from when the refresh was due (`dueAt`), so a late tick does
 * not push every later refresh back; up to half an interval late. A refresh later than that (a
 * stalled host, a database outage) starts the rhythm again from when it ran: the value is fresh
 * now, and keeping the old rhythm only made the next call come minutes after this one (FaceID,
 * 15 min late: 5% of the lifetime, 6 min, after), a vendor call that bought nothing and ended the
 * value this one replaced a minute later.
 */
export function nextRefreshAt(policy: Policy, fetchedAt: Date, expiresIn: number, random = Math.random, dueAt: Date | null = null): Date {
  const spread = random() * 2 - 1;
  const s = policy.schedule;
  const keepsRhythm = s.type === "every" && dueAt && dueAt <= fetchedAt && fetchedAt.getTime() - dueAt.getTime() <= (s.seconds / 2) * 1000;
  const from = keepsRhythm ? dueAt : fetchedAt;
  let seconds =
    s.type === "fraction"
      ? expiresIn * s.fraction + spread * (s.jitterSeconds ?? s.jitter * expiresIn)
      : s.type === "every"
        ? s.seconds + spread * s.jitterSeconds
        : expiresIn - s.seconds + spread * s.jitterSeconds;
  if (policy.maxIntervalSeconds) seconds = Math.min(seconds, policy.maxIntervalSeconds);
  const lateness = (fetchedAt.getTime() - from.getTime()) / 1000;
  seconds = Math.min(expiresIn * 0.95 + lateness, Math.max(expiresIn * 0.05 + lateness, seconds));
  return new Date(from.getTime() + seconds * 1000);
}

/**
 * How long after the database last confirmed a value this instance may keep serving it while the
 * database cannot be reached. Another instance may have rotated the value meanwhile; the vendor keeps
 * a superseded value alive for its overlap window (WeChat token 5 min, FaceID token and SIGN 1 min,
 * yzb js_ticket 10 min). WeChat and Feishu tickets, and Feishu's token, stay valid until their own
 * expiry whatever is fetched after them: for those, until that expiry.
 */
export function outageWindowSeconds(vendor: VendorId, kind: CredentialKind): number {
  if ((vendor === "wechat" || vendor === "feishu") && kind !== "access_token") return Number.POSITIVE_INFINITY;
  if (vendor === "feishu") return Number.POSITIVE_INFINITY;
  return (POLICIES[vendor][kind] ?? FALLBACK).overlapSeconds;
}
