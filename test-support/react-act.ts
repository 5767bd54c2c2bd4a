// For tests that render React in happy-dom with act (components/**/*.render.test.tsx).
import { act } from "react";
import { afterEach, beforeAll, vi } from "vitest";

/**
 * Makes act() the way React is driven in this file and returns a list of what undoes each test's
 * renders (roots to unmount, watchers to stop): run after each test, with real timers again.
 */
export function actEnvironment(): (() => void)[] {
  const cleanup: (() => void)[] = [];
  beforeAll(() => {
    (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
  });
  afterEach(() => {
    for (const c of cleanup.splice(0)) act(c);
    vi.useRealTimers();
  });
  return cleanup;
}
