import type { CredentialView } from "@/lib/credential-view";

const STYLES: Record<CredentialView["status"], { label: string; className: string }> = {
  active: { label: "Healthy", className: "bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-300" },
  pending: { label: "Pending", className: "bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300" },
  failing: { label: "Failing", className: "bg-red-100 text-red-800 dark:bg-red-900/50 dark:text-red-300" },
  expired: { label: "Expired", className: "bg-amber-100 text-amber-900 dark:bg-amber-900/50 dark:text-amber-300" },
};

export function StatusBadge({ status }: { status: CredentialView["status"] }) {
  const s = STYLES[status];
  return <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ${s.className}`}>{s.label}</span>;
}

export function statusLabel(status: CredentialView["status"]): string {
  return STYLES[status].label;
}
