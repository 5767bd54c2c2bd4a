import "server-only";
import { findApp, secretMatches } from "../apps/find-app";
import { vendorContext } from "../apps/vendor-context";
import { getDb } from "../db";
import { findAppByIssuedToken, NotServableError, serveCredential } from "../tickets/serve-credential";
import { checkYzbCode, DEFAULT_TOKEN_PATH, exchangeYzbAuthCode } from "../vendors/yzb";
import { VendorError } from "../vendors/types";
import { str, vendorJson, type ProxyRequest, type ProxyVendor, type VendorAnswer, type ProxyRoute } from "./types";

/**
 * yzb answers errors with HTTP 200: the status is in the body (`"status": "4102"`, `data: []`, as in
 * yzb-oauth2-token-ticket-checkcode.md's "錯誤的返回值"; the sandbox answers the same).
 */
const err = (code: string, message: string) => vendorJson(200, { status: code, message, data: [] });
const unavailable = (message: string) => err("5000", `server busy: ${message}`);
const ok = (data: unknown) => vendorJson(200, { status: "2000", message: "ok", data });

async function guarded(fn: () => Promise<VendorAnswer>): Promise<VendorAnswer> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof NotServableError || e instanceof VendorError) return unavailable(e.message);
    throw e;
  }
}

async function serverToken(req: ProxyRequest): Promise<VendorAnswer> {
  const appId = str(req.body?.app_id, 64);
  const secret = str(req.body?.secret, 128);
  if (!appId || !secret) return err("4001", "app_id and secret are required strings");
  const app = await findApp("yzb", appId);
  if (!app) return err("4001", "app_id is invalid");
  if (!secretMatches(app, secret)) return err("4102", "secret is invalid");
  return guarded(async () => {
    const t = await serveCredential({ appRef: app.id, kind: "access_token" });
    return ok({ access_token: t.value, expires_in: t.remainingSeconds });
  });
}

export const yzbProxy: ProxyVendor = {
  badRequest: (message) => err("4001", message),
  notFound: (message) => vendorJson(404, { status: "4001", message, data: [] }),
  unavailable,
  routes: {
    [`POST ${DEFAULT_TOKEN_PATH}`]: serverToken,

    "POST /OAuth2/ticket": async (req) => {
      const b = req.body;
      const appId = str(b?.app_id, 64);
      const token = str(b?.access_token, 512);
      if (!appId || !token) return err("4001", "app_id and access_token are required strings");
      if (b?.type !== "js_ticket") return err("4001", "type must be js_ticket");
      const owner = await findAppByIssuedToken("yzb", token);
      if (!owner || owner.appId !== appId) return err("4102", "server_access_token is invalid");
      return guarded(async () => {
        const t = await serveCredential({ appRef: owner.appRef, kind: "js_ticket" });
        return ok({ ticket: t.value, expires_in: t.remainingSeconds });
      });
    },

    // The vendor's check, forwarded: it also answers for users' tokens (with open_id) that Ticket Hub never holds.
    "POST /OAuth2/checkCode": async (req) => {
      const b = req.body;
      const appId = str(b?.app_id, 64);
      const code = str(b?.code, 512);
      if (!appId || !code) return err("4001", "app_id and code are required strings");
      if (b?.type !== "access_token" && b?.type !== "js_ticket") return err("4001", "type must be access_token or js_ticket");
      if (b.open_id !== undefined && !str(b.open_id, 512)) return err("4001", "open_id must be a string");
      const app = await findApp("yzb", appId);
      if (!app) return err("4001", "app_id is invalid");
      return guarded(async () => {
        const res = await checkYzbCode(vendorContext(getDb(), app, null), {
          type: b.type as "access_token" | "js_ticket",
          code,
          openId: str(b.open_id) ?? undefined,
        });
        return res.valid ? ok({ expires_in: Math.floor(res.expiresAt.getTime() / 1000) }) : err("4102", res.message);
      });
    },

    // Exchanges a page's auth code for an open_id: forwarded, nothing cached.
    "POST /OAuth2/token": async (req) => {
      const b = req.body;
      const appId = str(b?.app_id, 64);
      const secret = str(b?.secret, 128);
      const code = str(b?.code, 512);
      if (!appId || !secret || !code) return err("4001", "app_id, secret and code are required strings");
      if (b?.grant_type !== "authorization_code") return err("4001", "grant_type must be authorization_code");
      const app = await findApp("yzb", appId);
      if (!app) return err("4001", "app_id is invalid");
      if (!secretMatches(app, secret)) return err("4001", "app_id or secret is invalid");
      return guarded(async () => {
        const res = await exchangeYzbAuthCode(vendorContext(getDb(), app, null), code);
        return "invalid" in res ? err("4102", res.invalid) : vendorJson(200, { status: 2000, message: "ok", data: res.data });
      });
    },
  },
};

/** Apps may configure another server-token path; the proxy answers it too. */
export async function yzbCustomTokenRoute(path: string): Promise<ProxyRoute | null> {
  const app = await getDb().vendorApp.findFirst({ where: { vendor: "yzb", tokenPath: path, enabled: true } });
  return app ? serverToken : null;
}
