// Next calls register() once when a server instance starts: that is where the lifecycle
// scheduler begins, in every instance, with nothing to start by hand.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getConfig } = await import("./server/config");
  // The database's clock first: leases, due refreshes and expiry are judged on it.
  const { startClockSync } = await import("./server/clock-sync");
  await startClockSync();
  // Leases an earlier run of this instance held (it crashed mid-refresh) are freed now, not after their
  // TTL. Behind a read plane, that process did it before starting this one (scripts/read-plane.ts):
  // both refresh under the same instance id, and by now it may hold a lease of its own.
  if (!process.env.TICKETHUB_NEXT_SOCKET) {
    const [{ releaseLeasesOf }, { getDb }] = await Promise.all([import("./server/tickets/lease"), import("./server/db")]);
    await releaseLeasesOf(getDb(), getConfig().instanceId).catch((err: unknown) =>
      console.warn(`[lease] could not free old leases: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`),
    );
  }
  if (!getConfig().scheduler) return;
  const { startScheduler } = await import("./server/tickets/scheduler");
  startScheduler();
  const { startAlerts } = await import("./server/alerts/alerts");
  startAlerts();
}
