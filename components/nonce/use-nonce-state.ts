"use client";
import { useContext, useRef } from "react";
import { FirstPaintClock } from "@/components/ui/countdown";
import { useNowSelect } from "@/components/ui/use-now";
import { type NonceState, nonceState } from "./nonce-state";

/** Whether two states read the same on screen. */
function sameState(a: NonceState | null, b: NonceState | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.kind !== b.kind) return false;
  return a.kind === "live" ? a.secondsLeft === (b as typeof a).secondsLeft : a.at === (b as typeof a).at;
}

/**
 * A NONCE's state at each second of the server's clock (nonceState), as the same object while it
 * reads the same: its row is drawn again every second while the ticket is live, and after that only
 * when something about it changes, not with every tick of the list (30 rows, most used or expired).
 * Until the page ticks (server rendering, hydration), on the server's clock when it answered
 * (FirstPaintClock).
 */
export function useNonceState(n: { usedAt: string | null; expiresAt: string; expired?: boolean }, clockOffsetMs: number): NonceState | null {
  const renderedAt = useContext(FirstPaintClock);
  const shown = useRef<NonceState | null>(null);
  return useNowSelect((ticking) => {
    const next = nonceState(n, ticking || renderedAt, ticking ? clockOffsetMs : 0);
    if (!sameState(shown.current, next)) shown.current = next;
    return shown.current;
  });
}
