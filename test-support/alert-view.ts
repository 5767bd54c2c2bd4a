import type { AlertView } from "@/lib/alert-view";

/** An open, unacknowledged bad-config alert on credential "c" of app "app" as the alert list shows it; `over` changes any field. */
export function alertView(over: Partial<AlertView> = {}): AlertView {
  return {
    id: "a",
    kind: "bad-config",
    message: "m",
    appName: "WeChat demo",
    credentialId: "c",
    openedAt: "2026-11-30T12:00:00.000Z",
    resolvedAt: null,
    notified: true,
    deliveryError: null,
    appRef: "app",
    acknowledgedAt: null,
    acknowledgedBy: null,
    silencedUntil: null,
    silencedBy: null,
    runbook: null,
    ...over,
  };
}
