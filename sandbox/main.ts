// `npm run sandbox`: the vendor sandbox on 127.0.0.1:$SANDBOX_PORT (default 4010).
import { createSandbox } from "./server";

const raw = process.env.SANDBOX_PORT ?? "4010";
const port = Number(raw);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`SANDBOX_PORT: must be a port number (1-65535), got "${raw}"`);
  process.exit(1);
}
const { server } = createSandbox();
server.on("error", (err: NodeJS.ErrnoException) => {
  console.error(
    err.code === "EADDRINUSE"
      ? `sandbox: port ${port} is already in use (set SANDBOX_PORT to another port)`
      : `sandbox: ${err.message}`,
  );
  process.exit(1);
});
server.listen(port, "127.0.0.1", () => console.log(`sandbox: vendor sandbox listening on http://127.0.0.1:${port}`));
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => server.close(() => process.exit(0)));
