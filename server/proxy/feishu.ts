import "server-only";
import { findApp, secretMatches } from "../apps/find-app";
import { findAppByIssuedToken, NotServableError, serveCredential } from "../tickets/serve-credential";
import { str, vendorJson, type ProxyVendor } from "./types";

const err = (status: number, code: number, msg: string) => vendorJson(status, { code, msg });
const unavailable = (message: string) => err(503, 1000004, `internal error, please retry: ${message}`);

export const feishuProxy: ProxyVendor = {
  badRequest: (message) => err(400, 10003, `invalid param: ${message}`),
  unavailable,
  routes: {
    "POST /open-apis/auth/v3/tenant_access_token/internal": async (req) => {
      const appId = str(req.body?.app_id, 64);
      const secret = str(req.body?.app_secret, 128);
      if (!appId || !secret) return err(400, 10003, "invalid param: app_id and app_secret are required strings");
      const app = await findApp("feishu", appId);
      if (!app) return err(404, 10003, "invalid param: unknown app_id");
      if (!secretMatches(app, secret)) return err(401, 10014, "app secret invalid");
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
      if (!token) return err(401, 99991661, "Missing access token for authorization. Please make a request with token attached.");
      const owner = await findAppByIssuedToken("feishu", token);
      if (!owner) return err(401, 99991663, "Invalid access token for authorization. Please make a request with token attached.");
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
