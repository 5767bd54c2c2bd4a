import { expect, test } from "@playwright/test";
import { startCluster, type Cluster } from "./support/cluster";
import { sandboxStats } from "./support/stack";
import { api } from "./support/auth";

const LEASE_TTL_MS = 3_000;

type View = {
  id: string;
  vendor: string;
  kind: string;
  generation: number;
  refreshing: boolean;
  lease: { instance: string; expiresAt: string } | null;
};

async function ticketOf(url: string): Promise<View> {
  const list = await (await api(url, `/api/credentials`)).json();
  return list.credentials.find((c: View) => c.vendor === "wechat" && c.kind === "jsapi_ticket");
}

test("SIGKILL of the instance holding a refresh lease: another instance completes the refresh after the lease expires", async () => {
  test.setTimeout(120_000);
  let cluster: Cluster | undefined;
  try {
    cluster = await startCluster({ instances: 2, env: { TICKETHUB_LEASE_TTL_MS: String(LEASE_TTL_MS) } });
    const [a, b] = cluster.instances as [Cluster["instances"][0], Cluster["instances"][0]];
    await expect.poll(async () => (await ticketOf(a.url))?.generation ?? 0, { timeout: 30_000 }).toBeGreaterThan(0);
    const before = await ticketOf(a.url);
    const callsBefore = (await sandboxStats(cluster.sandboxUrl)).calls["wechat /cgi-bin/ticket/getticket"] ?? 0;

    // The vendor hangs: instance A takes the lease and waits on its call.
    await fetch(`${cluster.sandboxUrl}/__sandbox/faults`, { method: "POST", body: JSON.stringify({ endpoint: "wechat /cgi-bin/ticket/getticket", latencyMs: 20_000 }) });
    api(a.url, `/api/credentials/${before.id}/refresh`, { method: "POST" }).catch(() => {});
    await expect.poll(async () => (await sandboxStats(cluster!.sandboxUrl)).calls["wechat /cgi-bin/ticket/getticket"] ?? 0).toBe(callsBefore + 1);
    const held = await ticketOf(b.url);
    expect(held.refreshing).toBe(true);
    expect(held.lease?.instance).toBe(a.name);
    const leaseExpiresAt = Date.parse(held.lease!.expiresAt);

    await a.kill("SIGKILL");
    const killedAt = Date.now();
    await fetch(`${cluster.sandboxUrl}/__sandbox/faults`, { method: "DELETE" });

    // Nobody asks B: its scheduler sees the credential due (A marked it so when it took the lease).
    await expect.poll(async () => (await ticketOf(b.url)).generation, { timeout: LEASE_TTL_MS + 10_000, intervals: [50] }).toBe(before.generation + 1);
    const completedAt = Date.now();
    console.log(
      `lease takeover: SIGKILL → refresh completed by ${b.name} in ${completedAt - killedAt} ms, ` +
        `${completedAt - leaseExpiresAt} ms after the lease expired (TTL ${LEASE_TTL_MS} ms)`,
    );
    // Within the lease's expiry plus a second (the completion is observed by polling, so this is an upper bound).
    expect(completedAt - leaseExpiresAt).toBeLessThanOrEqual(1_000);
    expect(b.output()).toMatch(/took over the expired refresh lease/);

    // Nothing lost or duplicated: one new generation, exactly one more vendor call (the takeover's).
    await new Promise((r) => setTimeout(r, 1_500));
    const after = await ticketOf(b.url);
    expect(after.generation).toBe(before.generation + 1);
    expect(after.refreshing).toBe(false);
    expect((await sandboxStats(cluster.sandboxUrl)).calls["wechat /cgi-bin/ticket/getticket"]).toBe(callsBefore + 2);
  } finally {
    await cluster?.stop();
  }
});
