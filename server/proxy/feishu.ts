import "server-only";
import { findApp, secretMatches } from "../apps/find-app";
import { findAppByIssuedToken, NotServableError, serveCredential } from "../tickets/serve-credential";
import { str, vendorJson, type ProxyVendor } from "./types";

/**
 * Feishu pairs each error code with an HTTP status (its server error-code page, which
 * feishu-jssdk-ticket.md points to; the sandbox answers the same): 500 for an internal error,
 * 429 for the rate limit, 400 for everything the caller sent wrong, an invalid token included.
 */
function feishuStatus(code: number): number {
  if (code === 1000004) return 500;
  if (code === 99991400) return 429;
  return 400;
}
const err = (code: number, msg: string) => vendorJson(feishuStatus(code), { code, msg });
const unavailable = (message: string) => err(1000004, `internal error, please retry: ${message}`);

export const feishuProxy: ProxyVendor = {
  badRequest: (message) => err(10003, `invalid param: ${message}`),
  notFound: (message) => vendorJson(404, { code: 10003, msg: `invalid param: ${message}` }),
  unavailable,
  routes: {
    "POST /open-apis/auth/v3/tenant_access_token/internal": async (req) => {
      const appId = str(req.body?.app_id, 64);
      const secret = str(req.body?.app_secret, 128);
      if (!appId || !secret) return err(10003, "invalid param: app_id and app_secret are required strings");
      const app = await findApp("feishu", appId);
      if (!app) return err(10003, "invalid param: unknown app_id");
      if (!secretMatches(app, secret)) return err(10014, "app secret invalid");
      try {
        const t = await serveCredential({ appRef: app.id, kind: "access_token" });
        return vendorJson(200, { code: 0, msg: "ok", tenant_access_token: t.value, expire: t.remainingSeconds });
      } catch (e) {
        if (e instanceof NotServableError) return unavailable(e.message);
        throw e;
      }
    },

    "POST /open-apis/jssdk/ticket/get": async (req) => {
      const token = /^Bearer (.+)$/.exec(req.headers.get("authorization") ?? "")?.[1];
      if (!token) return err(99991661, "Missing access token for authorization. Please make a request with token attached.");
      const owner = await findAppByIssuedToken("feishu", token);
      if (!owner) return err(99991663, "Invalid access token for authorization. Please make a request with token attached.");
      try {
        const t = await serveCredential({ appRef: owner.appRef, kind: "jsapi_ticket" });
        return vendorJson(200, { code: 0, msg: "ok", data: { expire_in: t.remainingSeconds, ticket: t.value } });
      } catch (e) {
        if (e instanceof NotServableError) return unavailable(e.message);
        throw e;
      }
    },
  },
};
