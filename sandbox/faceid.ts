// Tencent FaceID: access_token and api_ticket (SIGN, NONCE). A new token or SIGN ticket leaves
// the old one valid 1 minute; tickets die with their token; NONCE lives 120 s and is single use.
import { randomValue, type SandboxState } from "./state";
import type { Handler } from "./handler";

const TOKEN_S = 7200;
const SIGN_S = 3600;
const NONCE_S = 120;
const OVERLAP_MS = 60_000;

function stamp(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().replace(/[-:T]/g, "").slice(0, 14); // Beijing time, as the vendor shows it
}

const fail = (state: SandboxState, code: string, msg: string) => ({
  status: 200,
  body: { code, msg, transactionTime: stamp(state.now()) },
});

export const faceidRoutes: Record<string, Handler> = {
  "GET /api/oauth2/access_token": (state, req) => {
    const q = req.query;
    const appId = q.get("app_id");
    if (!appId || q.get("grant_type") !== "client_credential" || !q.get("version"))
      return fail(state, "400101", "参数不合法: app_id, grant_type, version 必填");
    const app = state.app("faceid", appId);
    if (!app) return fail(state, "400104", "app_id 不存在");
    if (!state.secretMatches(app, q.get("secret"))) return fail(state, "400104", "secret 错误");
    const value = randomValue(48);
    const expiresAt = state.now() + TOKEN_S * 1000;
    state.issue(value, { vendor: "faceid", appId, kind: "access_token", expiresAt });
    state.supersede("faceid", appId, "access_token", value, OVERLAP_MS);
    return {
      status: 200,
      body: { code: "0", msg: "请求成功", transactionTime: stamp(state.now()), access_token: value, expire_time: stamp(expiresAt), expire_in: TOKEN_S },
    };
  },

  "GET /api/oauth2/api_ticket": (state, req) => {
    const q = req.query;
    const appId = q.get("app_id");
    const type = q.get("type");
    const token = q.get("access_token");
    if (!appId || !token || !q.get("version")) return fail(state, "400101", "参数不合法: app_id, access_token, version 必填");
    if (type !== "SIGN" && type !== "NONCE") return fail(state, "400101", "参数不合法: type 必须为大写 SIGN 或 NONCE");
    const owner = state.valid(token, "faceid", "access_token");
    if (!owner || owner.appId !== appId) return fail(state, "400103", "access_token 不存在或已过期");
    const now = state.now();
    if (type === "NONCE") {
      const userId = q.get("user_id") ?? "";
      if (!userId || userId.length > 30 || !/^[A-Za-z0-9_-]+$/.test(userId)) {
        return fail(state, "400101", "参数不合法: user_id 必填, 不超过30位, 不能带有特殊字符");
      }
      const value = randomValue(32);
      state.issue(value, { vendor: "faceid", appId, kind: "nonce_ticket", expiresAt: now + NONCE_S * 1000, token, diesWithToken: true });
      return {
        status: 200,
        body: {
          code: "0",
          msg: "请求成功",
          transactionTime: stamp(now),
          tickets: [{ value, expire_in: String(NONCE_S), expire_time: stamp(now + NONCE_S * 1000) }],
        },
      };
    }
    const value = randomValue(40);
    state.issue(value, { vendor: "faceid", appId, kind: "sign_ticket", expiresAt: now + SIGN_S * 1000, token, diesWithToken: true });
    state.supersede("faceid", appId, "sign_ticket", value, OVERLAP_MS);
    return {
      status: 200,
      body: {
        code: "0",
        msg: "请求成功",
        transactionTime: stamp(now),
        tickets: [{ value, expire_in: String(SIGN_S), expire_time: stamp(now + SIGN_S * 1000) }],
      },
    };
  },
};

/** What the FaceID SDK does when it starts with a NONCE ticket: it may be used once. */
export function consumeNonce(state: SandboxState, value: string): { ok: boolean; reason?: string } {
  const it = state.valid(value, "faceid", "nonce_ticket");
  if (!it) return { ok: false, reason: "NONCE ticket expired or unknown" };
  if (it.used) return { ok: false, reason: "NONCE ticket already used" };
  it.used = true;
  state.changed();
  return { ok: true };
}
