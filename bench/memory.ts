// Memory: RSS of one instance after one simulated hour with 100 apps (25 per vendor) under load
// (consumer reads and dashboard polls), at 60 simulated seconds per real second, both Ticket Hub
// and the sandbox on the same fast clock.
// Usage: node --conditions=react-server --import tsx bench/memory.ts [simulatedMinutes]
import { apiSession } from "../e2e/support/auth";
import { startStack } from "../e2e/support/stack";
import { fmt, machine, processRss, rssOf } from "./lib";

const SCALE = 60;
const simulatedMinutes = Number(process.argv[2] ?? 60);

const hex = (i: number, n: number) => i.toString(16).padStart(n, "0");
const APPS = Array.from({ length: 25 }, (_, i) => [
  { vendor: "wechat", appId: `wx${hex(i, 16)}`, name: `WeChat load ${i}` },
  { vendor: "feishu", appId: `cli_${hex(i, 16)}`, name: `Feishu load ${i}` },
  { vendor: "faceid", appId: `IDL${hex(i, 5)}`, name: `FaceID load ${i}` },
  { vendor: "yzb", appId: `yzbload${i}`, name: `yzb load ${i}` },
]).flat();

export async function benchMemory(): Promise<string> {
  const epoch = String(Date.now());
  const stack = await startStack({
    env: { TICKETHUB_TIME_SCALE: String(SCALE), TICKETHUB_TIME_EPOCH: epoch, SANDBOX_TIME_SCALE: String(SCALE), SANDBOX_TIME_EPOCH: epoch },
  });
  try {
    const admin = await apiSession(stack.baseUrl, "admin");
    const metrics = async () => (await admin.fetch("/api/metrics")).text();
    const before = await rssOf(metrics);
    for (const a of APPS) {
      const secret = `load-secret-${a.appId}`;
      await fetch(`${stack.sandboxUrl}/__sandbox/apps`, { method: "POST", body: JSON.stringify({ vendor: a.vendor, appId: a.appId, secret }) });
      const res = await admin.fetch("/api/apps", { method: "POST", body: JSON.stringify({ ...a, secret, baseUrl: "sandbox" }) });
      if (res.status !== 201) throw new Error(`could not add ${a.appId}: ${res.status} ${await res.text()}`);
    }
    const apps = (await (await admin.fetch("/api/apps")).json()).apps as { id: string; vendor: string; appId: string }[];
    const wechat = apps.filter((a) => a.vendor === "wechat");
    const key = (
      await (await admin.fetch("/api/keys", { method: "POST", body: JSON.stringify({ name: "memory-bench", appRefs: wechat.map((a) => a.id) }) })).json()
    ).key as string;

    const realMs = (simulatedMinutes * 60_000) / SCALE;
    const t0 = Date.now();
    let reads = 0;
    let failed = 0;
    let polls = 0;
    const samples: number[] = [];
    while (Date.now() - t0 < realMs) {
      const batch = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          fetch(`${stack.baseUrl}/api/v1/apps/wechat/${wechat[(reads + i) % wechat.length]!.appId}/jsapi_ticket`, {
            headers: { authorization: `Bearer ${key}` },
          }).then((r) => r.status),
        ),
      );
      reads += batch.length;
      failed += batch.filter((s) => s !== 200).length;
      if (reads % 400 === 0) {
        await admin.fetch("/api/credentials");
        polls++;
        samples.push(await rssOf(metrics));
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const after = await rssOf(metrics);
    const readPlane = (await processRss(metrics))["read-plane"] ?? Number.NaN;
    const credentials = (await (await admin.fetch("/api/credentials")).json()).credentials as { generation: number }[];
    const refreshes = credentials.reduce((n, c) => n + c.generation, 0);
    const mb = (b: number) => fmt(b / 2 ** 20, 0);
    return [
      "### Memory",
      "",
      `One instance, ${APPS.length + 4} apps (${credentials.length} credentials), ${simulatedMinutes} simulated minutes at ${SCALE}× (${fmt(realMs / 1000)} s real): ${fmt(reads)} consumer reads (${failed} not 200), ${polls} dashboard list reads, ${fmt(refreshes)} values fetched.`,
      "",
      `RSS: **${mb(after)} MiB** at the end (${mb(before)} MiB before the apps were added; peak sampled ${mb(Math.max(...samples, after))} MiB); of that, the read plane ${mb(readPlane)} MiB.`,
    ].join("\n");
  } finally {
    await stack.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`machine: ${machine()}\n`);
  console.log(await benchMemory());
}
