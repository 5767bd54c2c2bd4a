"use client";
import { useLocale, useTranslations } from "next-intl";
import { createContext, type ReactNode, type RefObject, useContext, useLayoutEffect, useMemo, useRef, useSyncExternalStore } from "react";
import { templateOf } from "@/lib/message-template";
import { serverClock } from "@/lib/server-clock";
import { formatDuration, heldSecondsLeft, remainingSeconds, type ShownLeft } from "@/lib/time";
import { UNCONFIRMED_TEXT, useUnconfirmed } from "./freshness";
import { useHydrated } from "./use-hydrated";
import { subscribeNow, tickingNow, useNow } from "./use-now";

/** formatDuration in the page's language ("1h 59m 58s", "1小时59分58秒"). */
export function useFormatDuration(): (seconds: number) => string {
  const locale = useLocale();
  return (seconds) => formatDuration(seconds, locale);
}

/**
 * The server's time (ms) when the data on screen was rendered on the server, or 0. Countdowns use it
 * until the page's ticker runs: on the server and while the browser hydrates, so both render the
 * same text (the time left as the server saw it), which the first tick then brings up to date.
 */
export const FirstPaintClock = createContext(0);

/**
 * Gives the countdowns below FirstPaintClock: `renderedAt` in the server's HTML and during
 * hydration, 0 once the page ticks (nothing reads it then). Every answer carries a new serverTime,
 * and a new value here drew every countdown of the page again at each refetch, in every open tab,
 * past the memoised rows around them.
 */
export function FirstPaintClockProvider({ renderedAt, children }: { renderedAt: number; children: ReactNode }) {
  const hydrated = useHydrated();
  return <FirstPaintClock.Provider value={hydrated ? 0 : renderedAt}>{children}</FirstPaintClock.Provider>;
}

/**
 * The offset to the server's clock for the countdowns below that are given none (usePaintedSecondsLeft,
 * useSecondsLeft): a list puts it here, not on each of its memoised rows, so that a new offset draws its countdowns
 * again and not whole rows. A tab's first read after its server render measures a new one (until
 * then the countdowns ran on firstPaintOffset's), and every row of the overview was drawn again
 * then, in every open tab: the first change after a page load cost each tab the whole table.
 */
export const ClockOffset = createContext(0);

/**
 * The browser's offset to the server's clock for data rendered on the server, before any request
 * of this page measured it: the server read its clock between the moment the browser asked for the
 * page and the first byte of the answer, so that round trip bounds the error (a later request with
 * a shorter round trip replaces it: lib/server-clock.ts keeps the best sample). `hydrating`: whether
 * the data came with the page's own HTML (React is hydrating it); data a later server render sent
 * (router.refresh) was read long after the navigation and says nothing about the offset.
 */
const observedPages = new Set<string>();
function firstPaintOffset(serverTime: string, hydrating: boolean): number {
  if (typeof window === "undefined") return 0;
  if (hydrating && !observedPages.has(serverTime)) {
    observedPages.add(serverTime);
    const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
    const toDate = (t: number) => Date.now() - (performance.now() - t);
    if (nav && nav.responseStart > 0) serverClock.observe(serverTime, toDate(nav.requestStart), toDate(nav.responseStart));
  }
  return serverClock.offsetMs;
}

/**
 * The offset to the server's clock for data on screen: the one measured by the request that read
 * it, or, for data rendered on the server (`clockOffsetMs` null), firstPaintOffset's (asked at every
 * render, hydration included: that is when the page's own timing is a sample). 0 without data.
 */
export function useClockOffset(data: { serverTime: string; clockOffsetMs: number | null } | undefined): number {
  const hydrated = useHydrated();
  return data ? (data.clockOffsetMs ?? firstPaintOffset(data.serverTime, !hydrated)) : 0;
}

/**
 * Seconds left until `at` (ISO), ticking each second on the server's clock (browser time + the
 * offset given, or ClockOffset's),
 * never a few more than last shown (useHeld); before the page's ticker runs, the server's own reading
 * (FirstPaintClock, no offset), so the server's HTML shows it and hydration finds the same. Null
 * without `at`, or before either clock is known (outside a FirstPaintClock: until the page ticks).
 */
export function useSecondsLeft(at: string | null, givenOffsetMs?: number): number | null {
  const inheritedOffsetMs = useContext(ClockOffset);
  const clockOffsetMs = givenOffsetMs ?? inheritedOffsetMs;
  const ticking = useNow();
  const renderedAt = useContext(FirstPaintClock);
  const held = useHeld();
  if (!at || (!ticking && !renderedAt)) return null;
  return held(at, ticking ? remainingSeconds(at, ticking, clockOffsetMs) : remainingSeconds(at, renderedAt, 0));
}

/**
 * For a component that counts down: `(at, left)` → the seconds to show, not a few more than it
 * showed last for the same `at` (heldSecondsLeft: a better estimate of the server's clock must not
 * make a countdown go up). What was shown is kept in a ref, not state, so that a tick renders once.
 */
export function useHeld(): (at: string, left: number) => number {
  const shown = useRef<ShownLeft | null>(null);
  return (at, left) => {
    const held = heldSecondsLeft(shown.current, at, left);
    shown.current = { at, left: held };
    return held;
  };
}

/**
 * For a text that counts the seconds to `at` (a countdown, "in 5m 03s"): the seconds to render
 * (useSecondsLeft's, held the same way), and a ref for the element whose text and attributes
 * `paint` brings up to date at each tick of the page's ticker, outside React. React draws the
 * component again only when `phase(left)` reads differently (a colour, "expired", no value):
 * with every countdown drawn by React every second, an idle overview tab spent ~4 ms of script a
 * second on it, all of them at the same moment (the ticker is on the server's second), and 50 such
 * tabs on 2 cores held up the next change (bench/idle-tabs.ts).
 * `paint` gets the element and seconds that are not null; it writes only what differs (setText,
 * setAttr). It also runs after each render, so text React skipped (its last render said the
 * same) is never left behind.
 */
export function usePaintedSecondsLeft<E extends HTMLElement, P extends string | number | boolean | null>(
  at: string | null,
  givenOffsetMs: number | undefined,
  phase: (left: number | null) => P,
  paint: (el: E, left: number) => void,
): { left: number | null; ref: RefObject<E | null> } {
  const inheritedOffsetMs = useContext(ClockOffset);
  const clockOffsetMs = givenOffsetMs ?? inheritedOffsetMs;
  const renderedAt = useContext(FirstPaintClock);
  const hydrated = useHydrated();
  const shown = useRef<ShownLeft | null>(null);
  const ref = useRef<E | null>(null);
  /**
   * Seconds left at `nowMs` of the ticker (0: the server's render, or hydration), as shown: `keep`
   * records them as what was shown last (render and paint do; the store's snapshot only looks).
   */
  const leftAt = (nowMs: number, keep = true): number | null => {
    if (!at || (!nowMs && !renderedAt)) return null;
    const left = heldSecondsLeft(shown.current, at, nowMs ? remainingSeconds(at, nowMs, clockOffsetMs) : remainingSeconds(at, renderedAt, 0));
    if (keep) shown.current = { at, left };
    return left;
  };
  useSyncExternalStore(
    subscribeNow,
    () => phase(leftAt(tickingNow(), false)),
    () => phase(leftAt(0, false)),
  );
  const left = leftAt(hydrated ? tickingNow() : 0);
  const latest = useRef({ leftAt, paint });
  const draw = useRef(() => {
    const el = ref.current;
    const l = latest.current.leftAt(tickingNow());
    if (el && l !== null) latest.current.paint(el, l);
  });
  useLayoutEffect(() => {
    latest.current = { leftAt, paint };
    if (hydrated) draw.current();
  });
  useLayoutEffect(() => subscribeNow(draw.current), []);
  return { left, ref };
}

/**
 * Sets an element's text when it differs (an equal write is still a change to lay out), in its text
 * node as React does (a new node in its place would be a new box to style and lay out).
 */
export function setText(el: Element, text: string): void {
  const node = el.firstChild;
  if (node !== null && node === el.lastChild && node.nodeType === Node.TEXT_NODE) {
    if (node.nodeValue !== text) node.nodeValue = text;
  } else if (el.textContent !== text) el.textContent = text;
}

/** Sets an attribute when it differs. */
export function setAttr(el: Element, name: string, value: string): void {
  if (el.getAttribute(name) !== value) el.setAttribute(name, value);
}

/**
 * Time left until `expiresAt`, recomputed every second from the server's clock
 * (browser time + measured offset), never from a copied state. Its text, label and bar are painted
 * at each tick (usePaintedSecondsLeft); React draws it when its colour or state changes.
 */
export function Countdown({ expiresAt, lifetime, clockOffsetMs }: { expiresAt: string; lifetime: number; clockOffsetMs?: number }) {
  const t = useTranslations("countdown");
  const duration = useFormatDuration();
  const expiresIn = useMemo(() => templateOf((seconds) => t("expiresIn", { seconds })), [t]);
  const phase = (left: number | null) => (left === null ? "none" : left <= 0 ? "expired" : left / lifetime < 0.1 ? "low" : "ok");
  const { left, ref } = usePaintedSecondsLeft<HTMLDivElement, string>(expiresAt, clockOffsetMs, phase, (el, left) => {
    const timer = el.firstElementChild;
    const bar = el.lastElementChild?.firstElementChild;
    if (!(timer instanceof HTMLElement) || !(bar instanceof HTMLElement)) return;
    setAttr(timer, "data-remaining-seconds", String(left));
    // Expired, the text and bar stay as React drew them.
    if (left <= 0) return;
    setText(timer, duration(left));
    setAttr(timer, "aria-label", expiresIn(String(left)));
    bar.style.transform = barTransform(left, lifetime);
  });
  // While the server does not answer, the countdown keeps running on the last known expiry but
  // turns grey: the value may have been replaced (or not) since.
  const unconfirmed = useUnconfirmed();
  const stale = unconfirmed !== null;
  if (left === null) return <span className="text-slate-400">…</span>;
  const share = Math.max(0, Math.min(1, left / lifetime));
  const tone = stale ? "bg-slate-400" : left <= 0 ? "bg-red-500" : share < 0.1 ? "bg-amber-500" : "bg-emerald-500";
  return (
    <div ref={ref} className="min-w-28 md:min-w-32">
      <span
        role="timer"
        aria-label={left > 0 ? expiresIn(String(left)) : t("expired")}
        data-remaining-seconds={left}
        {...unconfirmed}
        className={`font-mono text-sm tabular-nums ${stale ? UNCONFIRMED_TEXT : left <= 0 ? "text-red-600 dark:text-red-400" : ""}`}
      >
        {left > 0 ? duration(left) : t("expired")}
      </span>
      <div className="mt-1 h-1 w-full overflow-hidden rounded bg-slate-200 dark:bg-slate-800" aria-hidden>
        {/* Moved once a second with the text, never animated between ticks: a transition here kept
            every open tab laying out at 60 frames a second (100 tabs: two cores busy). */}
        <div className={`h-full w-full origin-left ${tone}`} style={{ transform: barTransform(left, lifetime) }} />
      </div>
    </div>
  );
}

const barTransform = (left: number, lifetime: number) => `scaleX(${Math.max(0, Math.min(1, left / lifetime))})`;
