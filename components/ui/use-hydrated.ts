"use client";
import { useSyncExternalStore } from "react";

const noop = () => () => {};

/**
 * False in the server's HTML and until React has hydrated the page, then true. A form whose fields
 * are React state must not take input before that: what is typed into server-rendered HTML is not in
 * React's state, so the form would look filled while its button stays disabled.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    noop,
    () => true,
    () => false,
  );
}
