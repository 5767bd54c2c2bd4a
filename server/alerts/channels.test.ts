import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../config";
import { channelRequest, describeChannel } from "./channels";

const alert = {
  status: "firing" as const,
  kind: "bad-config",
  message: "WeChat demo Access token: bad configuration",
  runbook: "Wrong app id: change it",
  link: null,
};
const at = new Date("2026-11-30T08:00:00Z");

describe("chat-bot requests", () => {
  it("DingTalk: timestamp in ms and the URL-encoded signature beside access_token", () => {
    const req = channelRequest({ type: "dingtalk", url: "https://oapi.dingtalk.com/robot/send?access_token=abc", secret: "SECx" }, alert, "{}", at);
    const url = new URL(req.url);
    expect(url.searchParams.get("access_token")).toBe("abc");
    expect(url.searchParams.get("timestamp")).toBe(String(at.getTime()));
    const sign = createHmac("sha256", "SECx").update(`${at.getTime()}\nSECx`).digest("base64");
    expect(url.searchParams.get("sign")).toBe(sign);
    // The raw query carries it percent-encoded (+, / and = would break it otherwise).
    expect(req.url).toContain(`sign=${encodeURIComponent(sign)}`);
    expect(JSON.parse(req.body)).toEqual({ msgtype: "text", text: { content: expect.stringContaining("[Ticket Hub] FIRING (bad-config)") } });
    expect(req.accept('{"errcode":0,"errmsg":"ok"}')).toBeNull();
    expect(req.accept('{"errcode":310000,"errmsg":"sign not match"}')).toBe("delivery failed: the bot refused it (code 310000)");
  });

  it("Feishu: timestamp in seconds; without a secret no sign is sent", () => {
    const signed = JSON.parse(channelRequest({ type: "feishu", url: "https://open.feishu.cn/open-apis/bot/v2/hook/x", secret: "s" }, alert, "{}", at).body);
    expect(signed.timestamp).toBe(String(at.getTime() / 1000));
    expect(signed.sign).toBe(createHmac("sha256", `${signed.timestamp}\ns`).update("").digest("base64"));
    const plain = JSON.parse(channelRequest({ type: "feishu", url: "https://open.feishu.cn/open-apis/bot/v2/hook/x" }, alert, "{}", at).body);
    expect(plain).toEqual({ msg_type: "text", content: { text: expect.stringContaining("Runbook: Wrong app id") } });
  });

  it("WeCom: markdown, no signature; the browser sees type and host only", () => {
    const ch = { type: "wecom" as const, url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=secret-key" };
    const req = channelRequest(ch, { ...alert, status: "resolved" }, "{}", at);
    expect(req.url).toBe(ch.url);
    expect(JSON.parse(req.body).msgtype).toBe("markdown");
    expect(JSON.parse(req.body).markdown.content).toMatch(/^\*\*Ticket Hub RESOLVED\*\*/);
    expect(describeChannel(ch)).toEqual({ type: "wecom", host: "qyapi.weixin.qq.com", signed: false });
  });

  it("global bots come from the environment; a bad URL is refused naming the variable", () => {
    const c = parseConfig({ TICKETHUB_ALERT_FEISHU_URL: "https://open.feishu.cn/open-apis/bot/v2/hook/x", TICKETHUB_ALERT_FEISHU_SECRET: "s" });
    expect(c.alerts.chatBots).toEqual([{ type: "feishu", url: "https://open.feishu.cn/open-apis/bot/v2/hook/x", secret: "s" }]);
    expect(() => parseConfig({ TICKETHUB_ALERT_DINGTALK_URL: "http://10.0.0.5/robot/send" })).toThrow(ConfigError);
    expect(() => parseConfig({ TICKETHUB_ALERT_WECOM_URL: "not a url" })).toThrow(/TICKETHUB_ALERT_WECOM_URL: must be an http\(s\) URL/);
  });
});
