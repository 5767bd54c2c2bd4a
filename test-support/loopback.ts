// A test's own HTTP server on a free loopback port (tests talk to 127.0.0.1 only).
import type http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";

export type Listening = { origin: string; port: number; close: () => Promise<void> };

/** Starts `server` on 127.0.0.1 and a free port; `close` drops open keep-alive connections too. */
export async function listenOnLoopback(server: http.Server): Promise<Listening> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/**
 * `server` listening for the whole test file: started in beforeAll, closed in afterAll. The
 * returned object's `origin` and `port` are filled in once it listens.
 */
export function loopbackForFile(server: http.Server): { origin: string; port: number } {
  const state = { origin: "", port: 0 };
  let listening: Listening | null = null;
  beforeAll(async () => {
    listening = await listenOnLoopback(server);
    Object.assign(state, { origin: listening.origin, port: listening.port });
  });
  afterAll(async () => {
    await listening?.close();
  });
  return state;
}
