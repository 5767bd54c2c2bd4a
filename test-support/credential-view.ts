import type { CredentialView } from "@/lib/credential-view";

/**
 * A healthy WeChat jsapi ticket as the overview lists it, `at(s)` being the ISO time s seconds from the
 * test's "now": fetched 100 s ago, valid for 7,100 s more, next refresh in 4,000 s. `over` changes any field.
 */
export function credentialView(at: (s: number) => string, over: Partial<CredentialView> = {}): CredentialView {
  return {
    id: "c1",
    vendor: "wechat",
    vendorLabel: "WeChat",
    appRef: "a1",
    appId: "wx1",
    appName: "demo",
    kind: "jsapi_ticket",
    kindLabel: "jsapi ticket",
    status: "active",
    generation: 1,
    refreshing: false,
    lease: null,
    current: { maskedValue: "abcd••••••wxyz", fetchedAt: at(-100), expiresIn: 7200, expiresAt: at(7100), vendorExpireTime: null },
    previous: null,
    lastError: null,
    consecutiveFailures: 0,
    nextRefreshAt: at(4000),
    nextRefreshReason: "scheduled",
    policy: "",
    quota: null,
    impact: { state: "ok", atRisk: false, breaksAt: at(7100), refreshPossibleAt: at(0), blockedBy: null, attention: 6 },
    ...over,
  };
}
