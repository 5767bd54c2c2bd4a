// Next calls register() once when a server instance starts: that is where the lifecycle
// scheduler begins, in every instance, with nothing to start by hand.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getConfig } = await import("./server/config");
  if (!getConfig().scheduler) return;
  const { startScheduler } = await import("./server/tickets/scheduler");
  startScheduler();
  const { startAlerts } = await import("./server/alerts/alerts");
  startAlerts();
}
