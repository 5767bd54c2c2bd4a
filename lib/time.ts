/** "1h 59m 58s", "4m 05s", "12s"; negative durations read as expired. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, "0")}m ${String(sec).padStart(2, "0")}s`;
  if (m > 0) return `${m}m ${String(sec).padStart(2, "0")}s`;
  return `${sec}s`;
}

/** Seconds left until `expiresAt` on the server's clock, given the measured offset. */
export function remainingSeconds(expiresAt: string, nowMs: number, clockOffsetMs: number): number {
  return Math.floor((Date.parse(expiresAt) - (nowMs + clockOffsetMs)) / 1000);
}
