// Feishu: tenant_access_token/internal and jssdk/ticket/get. With ≥30 min left the same token is
// returned (with its remaining `expire`); with <30 min left a new one is issued and both stay valid.
import { randomValue, type SandboxState } from "./state";
import type { Handler } from "./handler";

const LIFETIME_S = 7200;
const SAME_TOKEN_MIN_LEFT_MS = 30 * 60_000;

const fail = (status: number, code: number, msg: string) => ({ status, body: { code, msg } });

export const feishuRoutes: Record<string, Handler> = {
  "POST /open-apis/auth/v3/tenant_access_token/internal": (state: SandboxState, req) => {
    const b = req.body ?? {};
    if (typeof b.app_id !== "string" || typeof b.app_secret !== "string" || !b.app_id || !b.app_secret) {
      return fail(400, 10003, "invalid param");
    }
    const app = state.app("feishu", b.app_id);
    if (!app) return fail(400, 10003, "invalid param: app_id");
    if (!state.secretMatches(app, b.app_secret)) return fail(400, 10014, "app secret invalid");
    const live = state.latest("feishu", b.app_id, "access_token");
    if (live && live.issued.expiresAt - state.now() >= SAME_TOKEN_MIN_LEFT_MS) {
      const expire = Math.floor((live.issued.expiresAt - state.now()) / 1000);
      return { status: 200, body: { code: 0, msg: "ok", tenant_access_token: live.value, expire } };
    }
    const value = `t-${randomValue(24)}`;
    state.issue(value, { vendor: "feishu", appId: b.app_id, kind: "access_token", expiresAt: state.now() + LIFETIME_S * 1000 });
    return { status: 200, body: { code: 0, msg: "ok", tenant_access_token: value, expire: LIFETIME_S } };
  },

  "POST /open-apis/jssdk/ticket/get": (state, req) => {
    const auth = String(req.headers.authorization ?? "");
    const token = /^Bearer (.+)$/.exec(auth)?.[1];
    if (!token) return fail(400, 99991661, "Missing access token for authorization. Please make a request with token attached.");
    if (!String(req.headers["content-type"] ?? "").startsWith("application/json")) {
      return fail(400, 10003, "invalid param: Content-Type must be application/json; charset=utf-8");
    }
    const owner = state.valid(token, "feishu", "access_token");
    if (!owner) return fail(400, 99991663, "Invalid access token for authorization. Please make a request with token attached.");
    const value = randomValue(20).toLowerCase();
    state.issue(value, { vendor: "feishu", appId: owner.appId, kind: "jsapi_ticket", expiresAt: state.now() + LIFETIME_S * 1000, token });
    return { status: 200, body: { code: 0, msg: "ok", data: { expire_in: LIFETIME_S, ticket: value } } };
  },
};
