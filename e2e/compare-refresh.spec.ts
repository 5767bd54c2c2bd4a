import { expect, test } from "@playwright/test";
import { api, apiSession } from "./support/auth";
import { startCluster, type Cluster } from "./support/cluster";
import { sandboxStats, startStack, type Stack } from "./support/stack";

// Issue 11, compare-and-refresh: a refresh asked for "the value I saw" costs one vendor call however
// many people or services ask, and whoever asks after it gets the newer value at no cost.

const GETTICKET = "wechat /cgi-bin/ticket/getticket";
const TOKEN = "wechat /cgi-bin/token";
type View = { id: string; vendor: string; kind: string; generation: number };

test.describe("twenty operators click Refresh on the generation they saw", () => {
  let stack: Stack;
  test.beforeAll(async () => {
    stack = await startStack({ env: { TICKETHUB_SCHEDULER: "off" } });
  });
  test.afterAll(async () => {
    await stack?.stop();
  });

  test("one getticket call; every answer carries the new generation", async () => {
    const operator = await apiSession(stack.baseUrl, "operator");
    const list = async () =>
      ((await (await operator.fetch("/api/credentials")).json()).credentials as View[]).find((c) => c.vendor === "wechat" && c.kind === "jsapi_ticket")!;
    // Fetched once by hand (the scheduler is off), so the test starts from a known generation.
    await expect.poll(async () => (await operator.fetch(`/api/credentials/${(await list()).id}/refresh`, { method: "POST" })).status).toBe(200);
    const seen = await list();
    const before = (await sandboxStats(stack.sandboxUrl)).calls[GETTICKET] ?? 0;
    // The vendor takes 300 ms; the clicks arrive over a second, so most come after the first refresh ended.
    await fetch(`${stack.sandboxUrl}/__sandbox/faults`, { method: "POST", body: JSON.stringify({ endpoint: GETTICKET, latencyMs: 300 }) });
    const clicks = Array.from({ length: 20 }, (_, i) =>
      new Promise((r) => setTimeout(r, i * 50)).then(async () => {
        const res = await operator.fetch(`/api/credentials/${seen.id}/refresh`, { method: "POST", body: JSON.stringify({ ifGeneration: seen.generation }) });
        expect(res.status).toBe(200);
        return (await res.json()) as { joined: boolean; alreadyNewer: boolean; credential: View };
      }),
    );
    const answers = await Promise.all(clicks);
    await fetch(`${stack.sandboxUrl}/__sandbox/faults`, { method: "DELETE" });
    const calls = ((await sandboxStats(stack.sandboxUrl)).calls[GETTICKET] ?? 0) - before;
    console.log(
      `20 Refresh clicks on generation ${seen.generation}: ${calls} getticket call(s); ${answers.filter((a) => a.alreadyNewer).length} answered "already refreshed" at no cost`,
    );
    expect(calls).toBe(1);
    for (const a of answers) expect(a.credential.generation).toBe(seen.generation + 1);
    expect(answers.filter((a) => !a.joined)).toHaveLength(1);
    // A click on a generation that does not exist yet is refused, naming the field.
    const ahead = await operator.fetch(`/api/credentials/${seen.id}/refresh`, { method: "POST", body: JSON.stringify({ ifGeneration: seen.generation + 5 }) });
    expect(ahead.status).toBe(409);
    expect((await ahead.json()).field).toBe("ifGeneration");
  });
});

test("100 services report the same refused token over 3 instances: one token call, every answer the new generation", async () => {
  test.setTimeout(180_000);
  let cluster: Cluster | undefined;
  try {
    cluster = await startCluster({ instances: 3 });
    const a = cluster.instances[0]!;
    const apps = (await (await api(a.url, "/api/apps")).json()).apps as { id: string; vendor: string; appId: string }[];
    const wechat = apps.find((x) => x.vendor === "wechat")!;
    const key = (await (await api(a.url, "/api/keys", { method: "POST", body: JSON.stringify({ name: "services", appRefs: [wechat.id] }) })).json())
      .key as string;
    const read = async (url: string) =>
      (await fetch(`${url}/api/v1/apps/wechat/${wechat.appId}/access_token`, { headers: { authorization: `Bearer ${key}` } })).json();
    await expect.poll(async () => (await read(a.url)).generation ?? 0, { timeout: 30_000 }).toBeGreaterThan(0);
    const g = (await read(a.url)).generation as number;
    const before = (await sandboxStats(cluster.sandboxUrl)).calls[TOKEN] ?? 0;
    await fetch(`${cluster.sandboxUrl}/__sandbox/faults`, { method: "POST", body: JSON.stringify({ endpoint: TOKEN, latencyMs: 300 }) });
    const reports = Array.from({ length: 100 }, async (_, i) => {
      const inst = cluster!.instances[i % 3]!;
      const res = await fetch(`${inst.url}/api/v1/apps/wechat/${wechat.appId}/access_token/refused`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ generation: g }),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as { generation: number; refreshed: boolean };
    });
    const answers = await Promise.all(reports);
    await fetch(`${cluster.sandboxUrl}/__sandbox/faults`, { method: "DELETE" });
    const calls = ((await sandboxStats(cluster.sandboxUrl)).calls[TOKEN] ?? 0) - before;
    const generations = [...new Set(answers.map((x) => x.generation))];
    console.log(`100 reports of refused generation ${g} over 3 instances: ${calls} token call(s); answers carry generation(s) ${generations.join(", ")}`);
    expect(calls).toBe(1);
    expect(generations).toEqual([g + 1]);
    expect(answers.filter((x) => x.refreshed)).toHaveLength(1);
    // A late report of the old generation costs nothing: the newer value at once.
    const late = await fetch(`${cluster.instances[1]!.url}/api/v1/apps/wechat/${wechat.appId}/access_token/refused`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ generation: g }),
    });
    expect(await late.json()).toMatchObject({ generation: g + 1, refreshed: false });
    expect(((await sandboxStats(cluster.sandboxUrl)).calls[TOKEN] ?? 0) - before).toBe(1);
  } finally {
    await cluster?.stop();
  }
});
