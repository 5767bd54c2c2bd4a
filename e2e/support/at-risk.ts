import { expect } from "@playwright/test";
import { nextVendorDayStart } from "../../lib/vendor-day";
import type { ApiSession } from "./auth";
import type { Stack } from "./stack";

/**
 * Puts a WeChat jsapi ticket at risk: a value that dies before the vendors' next day (00:00 UTC+8),
 * then a 45009 on getticket, so no refresh can succeed before the value ends, whatever the hour.
 * False (nothing done) in the last 5 minutes of the vendors' day, when no ticket can die before it.
 */
export async function putTicketAtRisk(stack: Stack, op: ApiSession, ticketId: string): Promise<boolean> {
  const untilReset = Math.floor((nextVendorDayStart(new Date()).getTime() - Date.now()) / 1000);
  if (untilReset < 300) return false;
  const control = (path: string, body: unknown) => fetch(`${stack.sandboxUrl}${path}`, { method: "POST", body: JSON.stringify(body) });
  await control("/__sandbox/next-lifetime", { endpoint: "wechat /cgi-bin/ticket/getticket", expiresIn: Math.min(1800, untilReset - 120) });
  expect((await op.fetch(`/api/credentials/${ticketId}/refresh`, { method: "POST", body: "{}" })).status).toBe(200);
  await control("/__sandbox/faults", { endpoint: "wechat /cgi-bin/ticket/getticket", mode: "quota", times: 1 });
  expect((await op.fetch(`/api/credentials/${ticketId}/refresh`, { method: "POST", body: "{}" })).status).toBe(502);
  return true;
}
