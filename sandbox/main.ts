// `npm run sandbox`: the vendor sandbox on 127.0.0.1:$SANDBOX_PORT (default 4010).
import { loadState, persistState } from "./persist";
import { createSandbox } from "./server";
import { SandboxState } from "./state";
import { exitWithParent } from "../scripts/lib/exit-with-parent";

const raw = process.env.SANDBOX_PORT ?? "4010";
const port = Number(raw);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`SANDBOX_PORT: must be a port number (1-65535), got "${raw}"`);
  process.exit(1);
}
const scale = Number(process.env.SANDBOX_TIME_SCALE ?? 1);
const epoch = Number(process.env.SANDBOX_TIME_EPOCH ?? Date.now());
if (!(scale >= 1) || !Number.isFinite(epoch)) {
  console.error("SANDBOX_TIME_SCALE: must be a number ≥ 1; SANDBOX_TIME_EPOCH: a unix time in ms");
  process.exit(1);
}
exitWithParent("sandbox");
const state = new SandboxState({ scale, epoch });
// SANDBOX_STATE_FILE (the start script sets it to <data dir>/sandbox-state.json): remember issued
// tokens and tickets across restarts. Unset (`npm run sandbox` alone, test clusters): memory only.
const stateFile = process.env.SANDBOX_STATE_FILE;
if (stateFile) console.log(`sandbox: ${loadState(state, stateFile)}`);
const saver = stateFile ? persistState(state, stateFile) : null;
// Whatever way the process ends (signal, parent gone), the last changes are written first.
if (saver) process.on("exit", saver.stop);
const { server } = createSandbox(state);
server.on("error", (err: NodeJS.ErrnoException) => {
  console.error(err.code === "EADDRINUSE" ? `sandbox: port ${port} is already in use (set SANDBOX_PORT to another port)` : `sandbox: ${err.message}`);
  process.exit(1);
});
server.listen(port, "127.0.0.1", () => console.log(`sandbox: vendor sandbox listening on http://127.0.0.1:${port}`));
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    saver?.flush();
    server.close(() => process.exit(0));
  });
}
