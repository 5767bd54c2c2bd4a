/**
 * "1h 59m 58s", "4m 05s", "12s" (in Chinese "1小时59分58秒", "4分05秒", "12秒"); negative durations
 * read as 0. Seconds stay: the countdowns tick every second and ops compare them with a vendor's
 * expires_in, so both languages keep the same compact h/m/s shape, only the units change.
 */
export function formatDuration(totalSeconds: number, locale = "en"): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const [uh, um, us, sep] = locale.startsWith("zh") ? ["小时", "分", "秒", ""] : ["h", "m", "s", " "];
  const mm = String(m).padStart(2, "0");
  const ss = String(sec).padStart(2, "0");
  if (h > 0) return `${h}${uh}${sep}${mm}${um}${sep}${ss}${us}`;
  if (m > 0) return `${m}${um}${sep}${ss}${us}`;
  return `${sec}${us}`;
}

/** Seconds left until `expiresAt` on the server's clock, given the measured offset. */
export function remainingSeconds(expiresAt: string, nowMs: number, clockOffsetMs: number): number {
  return Math.floor((Date.parse(expiresAt) - (nowMs + clockOffsetMs)) / 1000);
}

/** The seconds a countdown last showed, and what it counted down to. */
export type ShownLeft = { at: string; left: number };

/**
 * A countdown holds a second rather than go up by this much or less (heldSecondsLeft). A bigger step
 * is a clock that was far off (a browser minutes fast whose first estimate was missing), and
 * freezing the countdown until time caught up would hide the right value: that step is shown.
 */
export const HOLD_UP_TO_SECONDS = 5;

/**
 * What a countdown to `at` shows now that `left` seconds remain, having shown `prev` last: not more
 * than before while it counts to the same moment. The page's estimate of the server's clock improves
 * as answers with shorter round trips arrive (lib/server-clock.ts), and an improvement can move that
 * clock back by part of a second (up to half the first round trip); the countdown would then go up
 * by one. Held instead, it shows that second once more. A new `at` (a new value) starts afresh.
 */
export function heldSecondsLeft(prev: ShownLeft | null, at: string, left: number): number {
  return prev !== null && prev.at === at && left > prev.left && left - prev.left <= HOLD_UP_TO_SECONDS ? prev.left : left;
}
