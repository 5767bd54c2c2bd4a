import "server-only";
import { vendorDayStart } from "@/lib/vendor-day";
import { findApp, secretMatches } from "../apps/find-app";
import { now } from "../clock";
import { getDb } from "../db";
import { refreshCredential } from "../tickets/refresh-credential";
import { findAppByIssuedToken, NotServableError, serveCredential } from "../tickets/serve-credential";
import { str, vendorJson, type ProxyRequest, type ProxyVendor, type VendorAnswer } from "./types";

/**
 * WeChat answers every business error with HTTP 200 and an `errcode` body (wechat-getticket.md,
 * "Error code": -1, 40001, …). SDKs rely on it: co-wechat-api throws on any status but 200-204
 * before it reads the body, so its own 40001/42001 recovery (drop the token, fetch one, retry)
 * only runs when the error comes as a 200.
 */
const err = (errcode: number, errmsg: string) => vendorJson(200, { errcode, errmsg });
const FORCE_MIN_INTERVAL_MS = 30_000;
const FORCE_DAILY_LIMIT = 20;

async function token(appId: string | null, secret: string | null, opts: { force: boolean }): Promise<VendorAnswer> {
  if (!appId) return err(41002, "appid missing");
  if (!secret) return err(41004, "appsecret missing");
  const app = await findApp("wechat", appId);
  if (!app) return err(40013, "invalid appid");
  if (!secretMatches(app, secret)) return err(40125, "invalid appsecret");
  if (opts.force) {
    const limited = await forceRefresh(app.id);
    if (limited) return limited;
  }
  try {
    const t = await serveCredential({ appRef: app.id, kind: "access_token" });
    return vendorJson(200, { access_token: t.value, expires_in: t.remainingSeconds });
  } catch (e) {
    if (e instanceof NotServableError) return err(-1, `system error: ${e.message}`);
    throw e;
  }
}

/**
 * stable_token with force_refresh: a caller saw 40001 elsewhere. Renew through the same
 * single-flight refresh, unless the token is already fresh (≤ 30 s old) or 20 were forced today.
 */
async function forceRefresh(appRef: string): Promise<VendorAnswer | null> {
  const db = getDb();
  const slot = await db.credential.findUnique({ where: { appRef_kind: { appRef, kind: "access_token" } } });
  if (!slot) return null;
  const current = slot.currentVersionId ? await db.credentialVersion.findUnique({ where: { id: slot.currentVersionId } }) : null;
  if (current && now().getTime() - current.fetchedAt.getTime() < FORCE_MIN_INTERVAL_MS) return null;
  const dayStart = vendorDayStart(now());
  const forcedToday = await db.auditEvent.count({ where: { action: "proxy.force_refresh", target: appRef, at: { gte: dayStart } } });
  if (forcedToday >= FORCE_DAILY_LIMIT) return err(45009, "reach max api daily quota limit (force_refresh: 20 a day)");
  // Counted by the row written with the renewal (in its transaction); callers that joined a running
  // refresh did not cost a renewal and write none.
  await refreshCredential({
    credentialId: slot.id,
    reason: "force_refresh requested through the proxy",
    audit: { actor: "proxy", action: "proxy.force_refresh", target: appRef, describe: (generation) => `access token generation ${generation}` },
  });
  return null;
}

export const wechatProxy: ProxyVendor = {
  badRequest: (message) => err(40097, `invalid args: ${message}`),
  notFound: (message) => vendorJson(404, { errcode: 40097, errmsg: `invalid args: ${message}` }),
  unavailable: (message) => err(-1, `system error: ${message}`),
  routes: {
    "GET /cgi-bin/token": async (req: ProxyRequest) => {
      if (req.query.get("grant_type") !== "client_credential") return err(40002, "invalid grant_type");
      return token(str(req.query.get("appid"), 64), str(req.query.get("secret"), 128), { force: false });
    },

    "POST /cgi-bin/stable_token": async (req) => {
      const b = req.body;
      if (!b) return err(40097, "invalid args: a JSON body is required");
      if (b.grant_type !== "client_credential") return err(40002, "invalid grant_type");
      if (b.force_refresh !== undefined && typeof b.force_refresh !== "boolean") return err(40097, "invalid args: force_refresh must be a boolean");
      if (b.appid !== undefined && typeof b.appid !== "string") return err(40097, "invalid args: appid must be a string");
      if (b.secret !== undefined && typeof b.secret !== "string") return err(40097, "invalid args: secret must be a string");
      return token(str(b.appid, 64), str(b.secret, 128), { force: b.force_refresh === true });
    },

    "GET /cgi-bin/ticket/getticket": async (req) => {
      const accessToken = req.query.get("access_token");
      if (!accessToken) return err(41001, "access_token missing");
      const type = req.query.get("type");
      if (type !== "jsapi" && type !== "wx_card") return err(40097, "invalid args: type must be jsapi or wx_card");
      const owner = await findAppByIssuedToken("wechat", accessToken);
      if (!owner) return err(40001, "invalid credential, access_token is invalid or not latest");
      try {
        const t = await serveCredential({ appRef: owner.appRef, kind: type === "jsapi" ? "jsapi_ticket" : "wx_card_ticket" });
        return vendorJson(200, { errcode: 0, errmsg: "ok", ticket: t.value, expires_in: t.remainingSeconds });
      } catch (e) {
        if (e instanceof NotServableError) return err(-1, `system error: ${e.message}`);
        throw e;
      }
    },
  },
};
