"use client";
import { useSyncExternalStore } from "react";
import { serverClock } from "@/lib/server-clock";

// One shared ticker for every countdown on the page. It ticks just after each second boundary of
// the server's clock (browser time + measured offset), so every countdown changes together and in
// step with the server's seconds, and re-aims each tick (a setInterval would drift off the boundary).
let now = 0;
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setTimeout> | undefined;

/** A few ms past the boundary, so the tick lands on the new second, not just before it. */
const PAST_BOUNDARY_MS = 5;

function schedule() {
  const serverMs = Date.now() + serverClock.offsetMs;
  const wait = 1_000 - (((serverMs % 1_000) + 1_000) % 1_000) + PAST_BOUNDARY_MS;
  timer = setTimeout(() => {
    now = Date.now();
    listeners.forEach((l) => l());
    schedule();
  }, wait);
}

/** Calls `listener` at each tick of the shared ticker (above); returns the unsubscribe. */
export function subscribeNow(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    schedule();
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearTimeout(timer);
      timer = undefined;
      // Stopped, its last tick is no time to render by (tickingNow: now, until it ticks again).
      now = 0;
    }
  };
}

/**
 * `select(now)` at each second of the server's clock, rendering again only when it reads differently
 * (Object.is): what changes with time only at some moments (a row's health) does not render every
 * second. `select` gets 0 during server rendering and hydration, as useNow returns.
 */
export function useNowSelect<T>(select: (nowMs: number) => T): T {
  return useSyncExternalStore(
    subscribeNow,
    () => select(tickingNow()),
    () => select(0),
  );
}

/** The ticker's time (ms) for a store read in the browser: the last tick, or now before the first. */
export function tickingNow(): number {
  return now || Date.now();
}

/** The browser's time in ms, updated at each second of the server's clock; 0 during server rendering. */
export function useNow(): number {
  return useNowSelect((ms) => ms);
}
