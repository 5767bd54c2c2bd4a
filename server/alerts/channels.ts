import "server-only";
import { createHmac } from "node:crypto";
import { z } from "zod";
import { decrypt } from "../crypto";

/**
 * Where an alert goes besides the generic JSON webhook: the chat bots ops live in. Each is a URL
 * and, for Feishu and DingTalk, the signing secret the bot's security settings show.
 *
 * Sources (checked 2026-11):
 * - Feishu custom bot (open.feishu.cn "自定义机器人使用指南", 签名校验): string_to_sign = timestamp + "\n" + secret,
 *   HMAC-SHA256 with that string as the KEY over an empty message, base64; `timestamp` in seconds
 *   (within an hour of the bot's clock); body {timestamp, sign, msg_type: "text", content: {text}};
 *   answers {code: 0} (older bots {StatusCode: 0}), {code: 19021} on a bad signature.
 * - DingTalk robot (open.dingtalk.com "自定义机器人安全设置", 加签): HMAC-SHA256 with the secret as key over
 *   timestamp + "\n" + secret, base64 then URL-encoded, `timestamp` in milliseconds, both as query
 *   parameters next to access_token; body {msgtype: "text", text: {content}}; answers {errcode: 0}.
 * - WeCom group robot (developer.work.weixin.qq.com "群机器人配置说明"): POST to the webhook URL with its
 *   `key`, no signature; body {msgtype: "markdown", markdown: {content}}; answers {errcode: 0}.
 */
export const CHANNEL_TYPES = ["webhook", "feishu", "dingtalk", "wecom"] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

export const alertChannelSchema = z
  .object({
    type: z.enum(CHANNEL_TYPES),
    url: z.string().min(1).max(2000),
    secret: z.string().min(1).max(200).optional(),
  })
  .strict();
export type AlertChannel = z.infer<typeof alertChannelSchema>;

/** One alert as a chat message says it. */
export type AlertText = {
  status: "firing" | "resolved";
  kind: string;
  message: string;
  runbook: string | null;
  link: string | null;
};

export function feishuSign(timestampSeconds: string, secret: string): string {
  return createHmac("sha256", `${timestampSeconds}\n${secret}`).update("").digest("base64");
}

export function dingtalkSign(timestampMs: string, secret: string): string {
  return createHmac("sha256", secret).update(`${timestampMs}\n${secret}`).digest("base64");
}

function plain(t: AlertText): string {
  const head = t.status === "firing" ? "[Ticket Hub] FIRING" : "[Ticket Hub] RESOLVED";
  return [`${head} (${t.kind}): ${t.message}`, t.status === "firing" && t.runbook ? `Runbook: ${t.runbook}` : null, t.link].filter(Boolean).join("\n");
}

/** What to post where, and how to read the bot's answer (they answer HTTP 200 with an error code in the body). */
export type ChannelRequest = { url: string; body: string; accept: (body: string) => string | null };

/** Chat bots answer 200 with a code: anything but 0 is a failed delivery, said as its code only. */
function codeIs0(field: "code" | "errcode"): (body: string) => string | null {
  return (body) => {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return "delivery failed: the bot answered something other than JSON";
    }
    const code = parsed[field] ?? parsed.StatusCode;
    return code === 0 || code === "0" ? null : `delivery failed: the bot refused it (code ${String(code).slice(0, 12)})`;
  };
}

/** Builds one channel's request for an alert at `at` (the signature's timestamp). */
export function channelRequest(channel: AlertChannel, alert: AlertText, generic: string, at: Date): ChannelRequest {
  switch (channel.type) {
    case "webhook":
      return { url: channel.url, body: generic, accept: () => null };
    case "feishu": {
      const timestamp = String(Math.floor(at.getTime() / 1000));
      const signed = channel.secret ? { timestamp, sign: feishuSign(timestamp, channel.secret) } : {};
      return { url: channel.url, body: JSON.stringify({ ...signed, msg_type: "text", content: { text: plain(alert) } }), accept: codeIs0("code") };
    }
    case "dingtalk": {
      const url = new URL(channel.url);
      if (channel.secret) {
        const timestamp = String(at.getTime());
        url.searchParams.set("timestamp", timestamp);
        // URLSearchParams percent-encodes the base64 (+, /, =) as DingTalk's urlEncode does.
        url.searchParams.set("sign", dingtalkSign(timestamp, channel.secret));
      }
      return { url: url.toString(), body: JSON.stringify({ msgtype: "text", text: { content: plain(alert) } }), accept: codeIs0("errcode") };
    }
    case "wecom":
      return {
        url: channel.url,
        body: JSON.stringify({ msgtype: "markdown", markdown: { content: plain(alert).replace(/^\[Ticket Hub\] (\w+)/, "**Ticket Hub $1**") } }),
        accept: codeIs0("errcode"),
      };
  }
}

/** What the browser may see of a channel: its type and host, never the path (it carries the bot's key) or the secret. */
export function describeChannel(channel: AlertChannel): { type: ChannelType; host: string; signed: boolean } {
  return { type: channel.type, host: URL.canParse(channel.url) ? new URL(channel.url).host : "", signed: !!channel.secret };
}

/** An app's own channel, decrypted; null when it has none or it cannot be read (a rotated key, say). */
export function appChannel(app: { alertChannelEnc: string | null }): AlertChannel | null {
  if (!app.alertChannelEnc) return null;
  try {
    const parsed = alertChannelSchema.safeParse(JSON.parse(decrypt(app.alertChannelEnc)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
