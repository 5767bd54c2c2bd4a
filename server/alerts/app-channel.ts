import "server-only";
import { now } from "../clock";
import { webhookUrlProblem } from "@/lib/webhook-url";
import { getConfig } from "../config";
import { encrypt } from "../crypto";
import { getDb } from "../db";
import { AppError } from "../errors";
import { type AlertChannel, alertChannelSchema, appChannel, describeChannel } from "./channels";

const fail = (field: string, message: string) => new AppError("invalid", "Invalid alert channel", message, { field });

/**
 * Sets (or, with null, removes) an app's own alert channel: a chat bot or a webhook that gets this
 * app's alerts besides the global ones. Stored encrypted like the app secret (the URL's path and
 * query carry the bot's key); the secret is write-only: left out, the stored one stays. Admin; audited
 * in the same transaction.
 */
export async function setAppAlertChannel({ id, channel, actor }: { id: string; channel: unknown; actor: string }) {
  const db = getDb();
  const app = await db.vendorApp.findUnique({ where: { id } });
  if (!app) throw new AppError("not-found", "App not found", `No app with id ${id}`);
  let next: AlertChannel | null = null;
  if (channel !== null) {
    const r = alertChannelSchema.safeParse(channel);
    if (!r.success) {
      const i = r.error.issues[0]!;
      const key = i.code === "unrecognized_keys" ? i.keys.join(", ") : String(i.path[0] ?? "channel");
      throw fail(`channel.${key}`, i.code === "unrecognized_keys" ? "unknown field (allowed: type, url, secret)" : i.message);
    }
    next = r.data;
    const problem = URL.canParse(next.url) ? webhookUrlProblem(next.url, getConfig().alerts.allowedWebhookHosts) : "must be an http(s) URL";
    if (problem) throw fail("channel.url", problem);
    if (next.type === "wecom" && next.secret) throw fail("channel.secret", "WeCom group robots have no signing secret: leave it empty");
    const before = appChannel(app);
    if (!next.secret && before?.secret && before.type === next.type) next = { ...next, secret: before.secret };
  }
  await db.$transaction(async (tx) => {
    await tx.vendorApp.update({ where: { id }, data: { alertChannelEnc: next ? encrypt(JSON.stringify(next)) : null } });
    const shown = next ? describeChannel(next) : null;
    await tx.auditEvent.create({
      data: {
        at: now(),
        actor,
        action: "app.alert-channel",
        target: id,
        outcome: "ok",
        detail: shown
          ? `${app.name}: alerts also to ${shown.type} at ${shown.host}${shown.signed ? " (signed)" : ""}`
          : `${app.name}: own alert channel removed`,
      },
    });
  });
  return { alertChannel: next ? describeChannel(next) : null };
}
