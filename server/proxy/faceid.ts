import "server-only";
import { findApp, secretMatches } from "../apps/find-app";
import { vendorContext } from "../apps/vendor-context";
import { now } from "../clock";
import { getDb } from "../db";
import { faceidUserId, fetchFaceidTicket } from "../vendors/faceid";
import { VendorError } from "../vendors/types";
import { effectiveExpiry } from "../tickets/effective-expiry";
import { findAppByIssuedToken, NotServableError, serveCredential } from "../tickets/serve-credential";
import { str, vendorJson, type ProxyVendor } from "./types";

function stamp(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().replace(/[-:T]/g, "").slice(0, 14);
}
/**
 * FaceID answers failures with HTTP 200 and a non-zero `code` (tencent-faceid-*.md: "code 不为0则表示获取失败,
 * 可以根据 code 和 msg 字段进行定位"); the sandbox does the same. A status other than 200 would hide the code
 * from clients that check the status first.
 */
const err = (code: string, msg: string) => vendorJson(200, { code, msg, transactionTime: stamp(now()) });
const unavailable = (message: string) => err("-1", `系统繁忙, 请稍后再试: ${message}`);

export const faceidProxy: ProxyVendor = {
  badRequest: (message) => err("400101", `参数不合法: ${message}`),
  notFound: (message) => vendorJson(404, { code: "400101", msg: `参数不合法: ${message}`, transactionTime: stamp(now()) }),
  unavailable,
  routes: {
    "GET /api/oauth2/access_token": async (req) => {
      const q = req.query;
      const appId = str(q.get("app_id"), 32);
      const secret = str(q.get("secret"), 128);
      if (!appId || !secret || q.get("grant_type") !== "client_credential" || !str(q.get("version"), 20)) {
        return err("400101", "参数不合法: app_id, secret, grant_type=client_credential, version 必填");
      }
      const app = await findApp("faceid", appId);
      if (!app || !secretMatches(app, secret)) return err("400104", "app_id 或 secret 错误");
      try {
        const t = await serveCredential({ appRef: app.id, kind: "access_token" });
        return vendorJson(200, {
          code: "0",
          msg: "请求成功",
          transactionTime: stamp(now()),
          access_token: t.value,
          expire_time: stamp(t.expiresAt),
          expire_in: t.remainingSeconds,
        });
      } catch (e) {
        if (e instanceof NotServableError) return unavailable(e.message);
        throw e;
      }
    },

    "GET /api/oauth2/api_ticket": async (req) => {
      const q = req.query;
      const appId = str(q.get("app_id"), 32);
      const token = str(q.get("access_token"), 512);
      const type = q.get("type");
      if (!appId || !token || !str(q.get("version"), 20)) return err("400101", "参数不合法: app_id, access_token, version 必填");
      if (type !== "SIGN" && type !== "NONCE") return err("400101", "参数不合法: type 必须为大写 SIGN 或 NONCE");
      let userId: string | null = null;
      if (type === "NONCE") {
        const parsed = faceidUserId.safeParse(q.get("user_id") ?? "");
        if (!parsed.success) return err("400101", `参数不合法: ${parsed.error.issues[0]?.message}`);
        userId = parsed.data;
      }
      const owner = await findAppByIssuedToken("faceid", token);
      if (!owner || owner.appId !== appId) return err("400103", "access_token 不存在或已过期");
      try {
        if (type === "SIGN") {
          const t = await serveCredential({ appRef: owner.appRef, kind: "sign_ticket" });
          return vendorJson(200, {
            code: "0",
            msg: "请求成功",
            transactionTime: stamp(now()),
            // The documents' examples send expire_in as a string ("3600", "120"); so do we.
            tickets: [{ value: t.value, expire_in: String(t.remainingSeconds), expire_time: stamp(t.expiresAt) }],
          });
        }
        // NONCE: single use, so always a fresh one from the vendor; never stored for reuse.
        const app = await getDb().vendorApp.findUniqueOrThrow({ where: { id: owner.appRef } });
        const current = await serveCredential({ appRef: owner.appRef, kind: "access_token" });
        const nonce = await fetchFaceidTicket(vendorContext(getDb(), app, null), current.value, { type: "NONCE", userId: userId! });
        // It dies with the token it was fetched with, if that token dies first.
        const at = now();
        const end = effectiveExpiry({ expiresAt: new Date(at.getTime() + nonce.expiresIn * 1000) }, { expiresAt: current.expiresAt });
        return vendorJson(200, {
          code: "0",
          msg: "请求成功",
          transactionTime: stamp(at),
          tickets: [{ value: nonce.value, expire_in: String(Math.max(0, Math.floor((end.getTime() - at.getTime()) / 1000))), expire_time: stamp(end) }],
        });
      } catch (e) {
        if (e instanceof NotServableError || e instanceof VendorError) return unavailable(e.message);
        throw e;
      }
    },
  },
};
