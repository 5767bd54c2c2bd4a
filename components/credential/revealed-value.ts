import { maskValue } from "@/lib/mask";

/** How long a revealed value stays on screen before it masks itself again. */
export const REVEAL_MS = 30_000;

/** A value an operator revealed: which version it was, and when it was revealed (browser ms). */
export type Revealed = { value: string; generation: number; versionId: string | undefined; at: number };

/** What the page shows at the moment: the masked value of the version it names, and that version's id once known. */
export type OnScreen = { masked: string; versionId: string | undefined };

export type RevealState =
  | { state: "masked" }
  | { state: "shown"; value: string; hidesInSeconds: number }
  /** A refresh replaced the revealed version (the live stream moved the page on): never show it under the new header. */
  | { state: "replaced"; generation: number }
  | { state: "timed-out" };

/** Whether `value` is the value the page shows masked (the mask keeps enough to tell two values apart). */
export const isOnScreen = (value: string, screen: OnScreen) => maskValue(value) === screen.masked;

/**
 * What to do with a revealed value now: keep showing it (with the seconds until it hides), or
 * hide it because the version on screen changed, or because its 30 s are up. Pure: the time is
 * passed in, so a test can move it.
 */
export function revealState(revealed: Revealed | null, screen: OnScreen, now: number): RevealState {
  if (!revealed) return { state: "masked" };
  const otherVersion = revealed.versionId !== undefined && screen.versionId !== undefined && revealed.versionId !== screen.versionId;
  if (otherVersion || !isOnScreen(revealed.value, screen)) return { state: "replaced", generation: revealed.generation };
  const left = revealed.at + REVEAL_MS - now;
  if (left <= 0) return { state: "timed-out" };
  // The shared ticker may lag the click by under a second: never promise more than the full 30 s.
  return { state: "shown", value: revealed.value, hidesInSeconds: Math.min(REVEAL_MS / 1000, Math.ceil(left / 1000)) };
}
