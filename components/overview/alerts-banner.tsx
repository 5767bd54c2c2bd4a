"use client";
import { useAlerts } from "@/components/overview/api/get-alerts";

const KIND_LABELS: Record<string, string> = { "refresh-failing": "Refresh failing", expiring: "Expiring", quota: "Quota" };

/** Open alert incidents, above the overview; nothing when all is well. */
export function AlertsBanner() {
  const { data } = useAlerts();
  if (!data || data.open.length === 0) return null;
  return (
    <section
      aria-labelledby="alerts-title"
      className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-100"
    >
      <h2 id="alerts-title" className="font-semibold">
        {data.open.length} open alert{data.open.length === 1 ? "" : "s"}
      </h2>
      <ul className="mt-2 space-y-1">
        {data.open.map((a) => (
          <li key={a.id}>
            <span className="font-medium">{KIND_LABELS[a.kind] ?? a.kind}:</span> {a.message}{" "}
            <span className="text-xs text-red-800 dark:text-red-300">
              since {new Date(a.openedAt).toLocaleTimeString()} ·{" "}
              {a.deliveryError ? `webhook ${a.deliveryError}` : a.notified ? "webhook sent" : "no webhook configured"}
            </span>
            {a.credentialId && (
              <a href={`/credentials/${a.credentialId}`} className="ml-2 text-xs underline">
                details
              </a>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
