import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "./config";

function errorOf(env: Record<string, string>): string {
  try {
    parseConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("parseConfig", () => {
  it("defaults to a SQLite file under ./data and the sandbox on 4010", () => {
    const c = parseConfig({});
    expect(c.database).toEqual({
      provider: "sqlite",
      url: `file:${path.resolve("data", "tickethub.db")}`,
      file: path.resolve("data", "tickethub.db"),
    });
    expect(c.port).toBe(3000);
    expect(c.sandbox).toMatchObject({ enabled: true, start: true, url: "http://127.0.0.1:4010" });
  });

  it("switches to PostgreSQL for a postgresql:// URL", () => {
    expect(parseConfig({ DATABASE_URL: "postgresql://u:p@db:5432/hub" }).database.provider).toBe("postgresql");
  });

  it("names the variable and the rule when a value is bad", () => {
    expect(errorOf({ DATABASE_URL: "mysql://x" })).toMatch(/DATABASE_URL: must start with "file:" .* or "postgresql:\/\/"/);
    expect(errorOf({ PORT: "eighty" })).toMatch(/PORT: must be a port number \(1-65535\)/);
    expect(errorOf({ TICKETHUB_SECRET_KEY: "short" })).toMatch(/TICKETHUB_SECRET_KEY: must be 32 bytes/);
    expect(errorOf({ TICKETHUB_SANDBOX: "maybe" })).toMatch(/TICKETHUB_SANDBOX:/);
    expect(errorOf({ TICKETHUB_NEXT_NICE: "20" })).toMatch(/TICKETHUB_NEXT_NICE: must be a whole number of nice steps \(0-19\)/);
  });

  it("reports every bad variable at once", () => {
    const msg = errorOf({ PORT: "0", SANDBOX_PORT: "99999" });
    expect(msg).toMatch(/PORT:/);
    expect(msg).toMatch(/SANDBOX_PORT:/);
  });

  it("accepts a 32-byte key as hex or base64", () => {
    expect(parseConfig({ TICKETHUB_SECRET_KEY: "ab".repeat(32) }).secretKey?.length).toBe(32);
    expect(parseConfig({ TICKETHUB_SECRET_KEY: Buffer.alloc(32, 7).toString("base64") }).secretKey?.length).toBe(32);
  });

  it("holds the alert webhook to the webhook rule: https, public, unless its host is allowed", () => {
    expect(errorOf({ TICKETHUB_ALERT_WEBHOOK_URL: "http://127.0.0.1:4310/__sandbox/reset" })).toMatch(
      /TICKETHUB_ALERT_WEBHOOK_URL: must not point at a loopback.*TICKETHUB_ALLOWED_WEBHOOK_HOSTS/,
    );
    expect(errorOf({ TICKETHUB_ALERT_WEBHOOK_URL: "http://169.254.169.254/latest/meta-data" })).toMatch(/TICKETHUB_ALERT_WEBHOOK_URL:/);
    expect(errorOf({ TICKETHUB_ALERT_WEBHOOK_URL: "http://hooks.example.com/x" })).toMatch(/TICKETHUB_ALERT_WEBHOOK_URL: must be https/);
    expect(parseConfig({ TICKETHUB_ALERT_WEBHOOK_URL: "https://hooks.example.com/x" }).alerts.webhookUrl).toBe("https://hooks.example.com/x");
    const allowed = parseConfig({ TICKETHUB_ALERT_WEBHOOK_URL: "http://127.0.0.1:4310/hook", TICKETHUB_ALLOWED_WEBHOOK_HOSTS: " 127.0.0.1:4310, bot.lan " });
    expect(allowed.alerts.allowedWebhookHosts).toEqual(["127.0.0.1:4310", "bot.lan"]);
  });

  it("names TICKETHUB_ALLOWED_WEBHOOK_HOSTS when an entry is not a host or host:port", () => {
    expect(errorOf({ TICKETHUB_ALLOWED_WEBHOOK_HOSTS: "http://bot.lan" })).toMatch(/TICKETHUB_ALLOWED_WEBHOOK_HOSTS: must be comma-separated hosts/);
    expect(errorOf({ TICKETHUB_ALLOWED_WEBHOOK_HOSTS: "bot.lan:99999" })).toMatch(/TICKETHUB_ALLOWED_WEBHOOK_HOSTS:/);
  });
});
