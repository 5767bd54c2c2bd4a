import { describe, expect, it } from "vitest";
import type { IncomingMessage } from "node:http";
import { admitRequest, clientAddressOf, isValidHost, isValidPath, parseTrustedProxies } from "./front-door";

describe("the client address", () => {
  const proxies = parseTrustedProxies("10.0.0.0/8, 172.28.0.10, ::1");

  it("is the socket's peer when the peer is not a trusted proxy, whatever X-Forwarded-For says", () => {
    expect(clientAddressOf("203.0.113.7", "1.2.3.4", proxies)).toBe("203.0.113.7");
    expect(clientAddressOf("::ffff:203.0.113.7", "1.2.3.4", proxies)).toBe("203.0.113.7");
    expect(clientAddressOf("203.0.113.7", "1.2.3.4", [])).toBe("203.0.113.7");
  });

  it("is the nearest untrusted hop when a trusted proxy forwarded the request", () => {
    expect(clientAddressOf("172.28.0.10", "198.51.100.9", proxies)).toBe("198.51.100.9");
    // A client that writes its own X-Forwarded-For only prepends to what the proxy appends.
    expect(clientAddressOf("172.28.0.10", "6.6.6.6, 198.51.100.9", proxies)).toBe("198.51.100.9");
    expect(clientAddressOf("::ffff:10.1.2.3", "198.51.100.9, 10.9.9.9", proxies)).toBe("198.51.100.9");
    expect(clientAddressOf("::1", "[2001:db8::5]:443", proxies)).toBe("2001:db8::5");
  });

  it("stays the proxy when the forwarded value is not an address", () => {
    expect(clientAddressOf("172.28.0.10", "not-an-ip", proxies)).toBe("172.28.0.10");
    expect(clientAddressOf("172.28.0.10", undefined, proxies)).toBe("172.28.0.10");
  });

  it("refuses a trusted-proxy list that is not addresses or CIDRs", () => {
    expect(() => parseTrustedProxies("10.0.0.0/33")).toThrow();
    expect(() => parseTrustedProxies("proxy.example")).toThrow();
    expect(parseTrustedProxies("")).toEqual([]);
  });
});

describe("requests the front door refuses", () => {
  it("a Host header that is not a host name or an IP address with a port", () => {
    for (const ok of ["localhost", "localhost:3000", "127.0.0.1:8080", "[::1]:3000", "tickets.example.com"]) expect(isValidHost(ok), ok).toBe(true);
    for (const bad of ["[", "x/y?z", "a b", "evil.example@good", "host:99999999", "", "a\\b"]) expect(isValidHost(bad), bad).toBe(false);
  });

  it("a path whose percent-encoding does not decode, or that is not origin-relative", () => {
    for (const ok of ["/", "/api/credentials/abc/history?x=%E0", "/api/v1/apps/wechat/wx%20/jsapi_ticket", "/credentials/%E4%B8%AD"])
      expect(isValidPath(ok), ok).toBe(true);
    for (const bad of ["/api/credentials/%E0%A4%A/history", "/api/proxy/wechat/%E0%A4%A", "/credentials/%", "http://evil.example/", "//evil.example/", "*"])
      expect(isValidPath(bad), bad).toBe(false);
  });
});

describe("headers only an instance sets", () => {
  it("are dropped from outside requests: the client address is the peer's, no change count or asked path gets through", () => {
    const raw = [
      "Host",
      "tickets.example",
      "X-TicketHub-Client",
      "10.9.9.9",
      "x-tickethub-changes",
      "99",
      "X-Tickethub-Requested-Path",
      "//evil",
      "Accept",
      "*/*",
    ];
    const headers: Record<string, string> = {};
    for (let i = 0; i < raw.length; i += 2) headers[raw[i]!.toLowerCase()] = raw[i + 1]!;
    const req = { rawHeaders: [...raw], headers, url: "/", socket: { remoteAddress: "203.0.113.7" } } as unknown as IncomingMessage;
    expect(admitRequest(req, [])).toBeNull();
    const names = req.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
    expect(names.filter((n) => n.startsWith("x-tickethub-"))).toEqual(["x-tickethub-client"]);
    expect(req.headers["x-tickethub-client"]).toBe("203.0.113.7");
    expect(req.headers["x-tickethub-changes"]).toBeUndefined();
    expect(req.headers["x-tickethub-requested-path"]).toBeUndefined();
    expect(req.headers.accept).toBe("*/*");
  });

  it("lets in the stamps a dashboard tab heard (x-tickethub-heard), and only that of its own headers", () => {
    const raw = ["Host", "127.0.0.1:3000", "X-Tickethub-Heard", "credentials=a.b", "x-tickethub-client", "10.0.0.1"];
    const headers: Record<string, string> = {};
    for (let i = 0; i < raw.length; i += 2) headers[raw[i]!.toLowerCase()] = raw[i + 1]!;
    const req = { rawHeaders: [...raw], headers, url: "/api/credentials", socket: { remoteAddress: "127.0.0.1" } } as unknown as IncomingMessage;
    expect(admitRequest(req, [])).toBeNull();
    expect(req.headers["x-tickethub-heard"]).toBe("credentials=a.b");
    expect(req.rawHeaders).toContain("credentials=a.b");
    expect(req.headers["x-tickethub-client"]).toBe("127.0.0.1");
  });

  it("keeps the heard stamps on the quick path too (no other forwarded or internal header)", () => {
    const raw = ["Host", "127.0.0.1:3000", "x-tickethub-heard", "nonces=Z9"];
    const req = {
      rawHeaders: [...raw],
      headers: { host: "127.0.0.1:3000", "x-tickethub-heard": "nonces=Z9" },
      url: "/api/nonce",
      socket: { remoteAddress: "127.0.0.1" },
    } as unknown as IncomingMessage;
    expect(admitRequest(req, [])).toBeNull();
    expect(req.headers["x-tickethub-heard"]).toBe("nonces=Z9");
    expect(req.headers["x-tickethub-client"]).toBe("127.0.0.1");
  });
});
