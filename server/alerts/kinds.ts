/**
 * Every kind of alert the alert check raises (alerts.ts): one list for the alerts themselves and for
 * /api/metrics' `tickethub_alerts_open{kind}`, which had only the first three and so never counted a
 * wrong secret, a refused credential, a used-up quota or a value at risk. No imports: the read
 * plane's bundle (which renders the metrics) takes it without the alert check.
 */
export const ALERT_KINDS = ["refresh-failing", "expiring", "quota", "bad-config", "quota-exhausted", "invalid-credential", "at-risk"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
