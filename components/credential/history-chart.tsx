import type { CredentialHistory } from "@/lib/credential-view";

/**
 * Two small bar charts over time: the lifetime each version was given, and the latency of each
 * upstream call (failed calls in red). Oldest on the left.
 */
export function HistoryChart({ history }: { history: CredentialHistory }) {
  const versions = [...history.versions].reverse().slice(-40);
  const calls = [...history.calls].reverse().slice(-40);
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <Bars
        title="Lifetime per version"
        unit="s"
        values={versions.map((v) => ({
          key: v.id,
          value: v.expiresIn,
          label: `generation ${v.generation}: ${v.expiresIn} s, fetched ${new Date(v.fetchedAt).toLocaleString()}`,
          bad: false,
        }))}
      />
      <Bars
        title="Upstream call latency"
        unit="ms"
        values={calls.map((c) => ({
          key: c.id,
          value: c.latencyMs,
          label: `${c.endpoint} ${c.latencyMs} ms${c.errorClass ? ` (${c.errorClass})` : ""}, ${new Date(c.startedAt).toLocaleString()}`,
          bad: c.errorClass !== null,
        }))}
      />
    </div>
  );
}

function Bars({ title, unit, values }: { title: string; unit: string; values: { key: string; value: number; label: string; bad: boolean }[] }) {
  const max = Math.max(1, ...values.map((v) => v.value));
  const w = 320;
  const h = 80;
  // At least 20 slots, so a short history reads as a few thin bars rather than one block.
  const step = w / Math.max(20, values.length);
  return (
    <figure className="rounded-md border border-slate-200 p-3 dark:border-slate-800">
      <figcaption className="mb-2 flex justify-between text-xs text-slate-500 dark:text-slate-400">
        <span>{title}</span>
        <span>
          max {max.toLocaleString()} {unit}
        </span>
      </figcaption>
      {values.length === 0 ? (
        <p className="py-6 text-center text-xs text-slate-500 dark:text-slate-400">nothing recorded yet</p>
      ) : (
        <svg viewBox={`0 0 ${w} ${h}`} className="h-20 w-full" role="img" aria-label={`${title}: ${values.length} bars`} preserveAspectRatio="none">
          {values.map((v, i) => {
            const bh = Math.max(2, (v.value / max) * (h - 2));
            return (
              <rect key={v.key} x={i * step + step * 0.15} y={h - bh} width={step * 0.7} height={bh} className={v.bad ? "fill-red-500" : "fill-sky-500"}>
                <title>{v.label}</title>
              </rect>
            );
          })}
        </svg>
      )}
    </figure>
  );
}
