// Restarting the demo must not cost a vendor call: the sandbox remembers the tokens it issued
// (<data dir>/sandbox-state.json), as a vendor does, so after a restart the stored token is still
// good and one Refresh of a ticket is one getticket call, not a 40001, a token renewal and a second.
import { expect, test } from "@playwright/test";
import { existsSync } from "node:fs";
import path from "node:path";
import { apiSession } from "./support/auth";
import { sandboxStats, startStack, type Stack } from "./support/stack";

test("after a restart of the demo, one Refresh of the WeChat jsapi ticket is one getticket call", async () => {
  // No scheduler: the only vendor calls are the ones this test makes.
  const first = await startStack({ env: { TICKETHUB_SCHEDULER: "off" } });
  let second: Stack | undefined;
  try {
    const refresh = async (stack: Stack) => {
      const op = await apiSession(stack.baseUrl, "operator");
      const list = await (await op.fetch("/api/credentials")).json();
      const id = list.credentials.find((c: { vendor: string; kind: string }) => c.vendor === "wechat" && c.kind === "jsapi_ticket").id;
      const res = await op.fetch(`/api/credentials/${id}/refresh`, { method: "POST" });
      expect(res.status, await res.clone().text()).toBe(200);
    };
    await refresh(first); // Ticket Hub now holds a token the sandbox issued
    await first.stop();

    second = await startStack({ dataDir: first.dataDir, env: first.env });
    await refresh(second);
    const stats = await sandboxStats(second.sandboxUrl);
    expect(stats.calls["wechat /cgi-bin/ticket/getticket"]).toBe(1);
    expect(stats.calls["wechat /cgi-bin/token"] ?? 0).toBe(0);
    expect(existsSync(path.join(first.dataDir, "sandbox-state.json"))).toBe(true);
  } finally {
    await second?.stop();
    await first.stop();
  }
});
