import { describe, expect, it } from "vitest";
import { isAllowedWebhookHost, isPublicAddress, maskWebhookUrl, parseWebhookHost, webhookUrlProblem } from "./webhook-url";

describe("webhookUrlProblem", () => {
  it.each([
    ["http://hooks.example.com/x", /must be https/],
    ["http://169.254.169.254/latest/meta-data", /loopback, private or link-local/],
    ["http://[::1]:22/", /loopback, private or link-local/],
    ["https://10.0.0.1/", /loopback, private or link-local/],
    ["https://192.168.1.20/hook", /loopback, private or link-local/],
    ["https://100.100.100.200/", /loopback, private or link-local/],
    ["https://[::ffff:127.0.0.1]/", /loopback, private or link-local/],
    ["https://[::ffff:7f00:1]/", /loopback, private or link-local/],
    ["https://[fd00:ec2::254]/", /loopback, private or link-local/],
    ["https://[fe80::1]/", /loopback, private or link-local/],
    ["https://0.0.0.0/", /loopback, private or link-local/],
    ["https://2130706433/", /loopback, private or link-local/], // 127.0.0.1 spelled as a number
    ["https://0x7f.1/", /loopback, private or link-local/],
    ["https://localhost/", /loopback, private or link-local/],
    ["https://LOCALHOST./", /loopback, private or link-local/],
    ["https://api.localhost/", /loopback, private or link-local/],
    ["https://user:pw@hooks.example.com/x", /user name or password/],
    ["ftp://hooks.example.com/x", /https/],
    ["not a url", /https/],
  ])("refuses %s", (url, why) => {
    expect(webhookUrlProblem(url, [])).toMatch(why);
  });

  it.each(["https://hooks.example.com/x", "https://8.8.8.8/hook", "https://[2001:4860::8888]/hook", "https://hooks.example.com:8443/x?token=abc"])(
    "accepts %s by its text",
    (url) => {
      expect(webhookUrlProblem(url, [])).toBeNull();
    },
  );

  it("lets the operator allow a host (any port) or one host:port, over http and on private addresses", () => {
    expect(webhookUrlProblem("http://127.0.0.1:4310/hook", ["127.0.0.1:4310"])).toBeNull();
    expect(webhookUrlProblem("http://127.0.0.1:4311/hook", ["127.0.0.1:4310"])).toMatch(/loopback/);
    expect(webhookUrlProblem("http://bot.lan:8080/hook", ["bot.lan"])).toBeNull();
    expect(webhookUrlProblem("http://[::1]:22/", ["[::1]:8080"])).toMatch(/loopback/);
    expect(webhookUrlProblem("http://hooks.example.com/x", ["hooks.example.com:80"])).toBeNull();
    expect(webhookUrlProblem("https://hooks.example.com/x", ["hooks.example.com:80"])).toBeNull(); // https by text anyway
    expect(webhookUrlProblem("http://evil.example/x", ["hooks.example.com"])).toMatch(/must be https/);
  });
});

describe("allowed hosts", () => {
  it.each(["hooks.lan", "hooks.lan:8080", "10.0.0.5", "10.0.0.5:8080", "[::1]:8080", "[::1]"])("parses %s", (entry) => {
    expect(parseWebhookHost(entry)).not.toBeNull();
  });
  it.each(["http://hooks.lan", "hooks.lan/x", "hooks.lan:0", "hooks.lan:70000", "", "a b", "user@hooks.lan"])("refuses %j", (entry) => {
    expect(parseWebhookHost(entry)).toBeNull();
  });
  it("matches on hostname and the effective port", () => {
    expect(isAllowedWebhookHost(new URL("https://Hooks.LAN/x"), ["hooks.lan:443"])).toBe(true);
    expect(isAllowedWebhookHost(new URL("https://hooks.lan.evil.example/x"), ["hooks.lan"])).toBe(false);
  });
});

describe("isPublicAddress", () => {
  it.each([
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.0.1",
    "169.254.169.254",
    "0.0.0.0",
    "::1",
    "::",
    "::ffff:127.0.0.1",
    "fe80::1",
    "fd00::1",
    "64:ff9b::7f00:1",
    "224.0.0.1",
    "",
    "nonsense",
  ])("%j is not public", (a) => {
    expect(isPublicAddress(a)).toBe(false);
  });
  it.each(["8.8.8.8", "::ffff:8.8.8.8", "2001:4860::8888"])("%s is public", (a) => {
    expect(isPublicAddress(a)).toBe(true);
  });
});

it("masks a webhook URL to its origin", () => {
  expect(maskWebhookUrl("https://hooks.example.com/services/T000/B000/XXXXSECRET?token=abc")).toBe("https://hooks.example.com/…");
});
