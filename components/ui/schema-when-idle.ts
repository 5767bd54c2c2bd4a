"use client";
import { useEffect } from "react";
import type { SchemaSource } from "./fetch-json";

/**
 * The overview's schemas are not part of the page (fetch-json.ts SchemaSource): zod/mini (~85 kB of
 * script) stays off the first paint. They came with a tab's first request after its load, which is
 * its first change's: the tab fetched them then and parsed and ran zod and the page's schemas
 * (~45 ms of its main thread in one sampled CPU profile of a first change, 2026-12-07), and with many tabs open
 * the one that reads the list for all of them (shared-reads.ts) made the others wait for it; the
 * first Refresh pressed ran them too (its request fetched them meanwhile). So a page starts loading
 * the schemas its reads and actions will need once the browser is idle after its load, and the
 * first change finds them ready.
 */
const loaded = new WeakSet<() => Promise<unknown>>();

/** At the latest this long after the page asked, when the browser is never idle meanwhile. */
export const IDLE_TIMEOUT_MS = 3_000;

/** Runs `load` when the browser is idle (or after IDLE_TIMEOUT_MS); returns a cancel. */
function whenIdle(load: () => void): () => void {
  if (typeof requestIdleCallback === "function") {
    const id = requestIdleCallback(load, { timeout: IDLE_TIMEOUT_MS });
    return () => cancelIdleCallback(id);
  }
  // Safari has no requestIdleCallback.
  const timer = setTimeout(load, IDLE_TIMEOUT_MS / 3);
  return () => clearTimeout(timer);
}

/**
 * Loads each schema loader among `sources` once per page, when the browser is idle after the
 * component mounted (a schema given as such is loaded already). A failed load is left to the
 * request that needs it, which loads it again and says why.
 */
export function loadSchemasWhenIdle(sources: readonly SchemaSource<unknown>[]): () => void {
  const loaders = (sources.filter((s) => typeof s === "function") as (() => Promise<unknown>)[]).filter((load) => !loaded.has(load));
  if (loaders.length === 0) return () => {};
  return whenIdle(() => {
    for (const load of loaders) {
      if (loaded.has(load)) continue;
      loaded.add(load);
      // Started now; the chunk runs when it arrives. A loader that throws at once counts as failed too.
      Promise.resolve()
        .then(load)
        .catch(() => loaded.delete(load));
    }
  });
}

/** loadSchemasWhenIdle for a component's lifetime: the loaders must be module-level functions (the same at every render). */
export function useSchemasWhenIdle(...sources: SchemaSource<unknown>[]): void {
  // biome-ignore lint/correctness/useExhaustiveDependencies: the loaders are module-level constants; a new array each render is the same list.
  useEffect(() => loadSchemasWhenIdle(sources), sources);
}
