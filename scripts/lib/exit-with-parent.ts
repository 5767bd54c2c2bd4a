// The start script runs the sandbox and the server as children in process groups of their own (so
// that a Ctrl-C reaches them once, from the supervisor). A supervisor killed with SIGKILL cannot
// stop them, and they would keep holding their ports. So a supervised child (the start script sets
// TICKETHUB_SUPERVISOR_PID) checks twice a second that its parent is still the supervisor, and exits
// when it is not: a dead parent's children are re-parented to init (or a subreaper).

/** Exits this process soon after its supervisor dies; a no-op when not started by the start script. */
export function exitWithParent(name: string): void {
  const supervisor = Number(process.env.TICKETHUB_SUPERVISOR_PID);
  if (!supervisor || process.ppid !== supervisor) return;
  setInterval(() => {
    if (process.ppid === supervisor) return;
    console.error(`[${name}] the supervisor (pid ${supervisor}) is gone; exiting`);
    process.exit(1);
  }, 500).unref();
}
