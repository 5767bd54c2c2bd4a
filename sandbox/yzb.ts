// yzb open platform: the server access token (path undocumented; the sandbox serves /OAuth2/accessToken),
// /OAuth2/ticket (old js_ticket valid 10 more minutes), /OAuth2/checkCode (absolute expires_in),
// /OAuth2/token (one-time auth codes minted through the control API).
import { randomBytes } from "node:crypto";
import type { Handler } from "./handler";

const LIFETIME_S = 7200;
const TICKET_OVERLAP_MS = 10 * 60_000;
const hex = (n: number) => randomBytes(n).toString("hex");
const invalid = (message: string) => ({ status: 200, body: { status: "4102", message, data: [] } });

export const yzbAuthCodes = new Map<string, { appId: string; openId: string }>();

export const yzbRoutes: Record<string, Handler> = {
  "POST /OAuth2/accessToken": (state, req) => {
    const b = req.body ?? {};
    const app = typeof b.app_id === "string" ? state.app("yzb", b.app_id) : undefined;
    if (!app) return { status: 200, body: { status: "4001", message: "app_id is invalid", data: [] } };
    if (!state.secretMatches(app, b.secret)) return invalid("secret is invalid");
    const value = hex(32);
    state.issue(value, { vendor: "yzb", appId: b.app_id as string, kind: "access_token", expiresAt: state.now() + LIFETIME_S * 1000 });
    return { status: 200, body: { status: "2000", message: "ok", data: { access_token: value, expires_in: LIFETIME_S } } };
  },

  "POST /OAuth2/ticket": (state, req) => {
    const b = req.body ?? {};
    if (b.type !== "js_ticket") return { status: 200, body: { status: "4001", message: "type must be js_ticket", data: [] } };
    const owner = typeof b.access_token === "string" ? state.valid(b.access_token, "yzb", "access_token") : null;
    if (!owner || owner.appId !== b.app_id) return invalid("server_access_token is invalid");
    const value = hex(32);
    state.issue(value, { vendor: "yzb", appId: owner.appId, kind: "js_ticket", expiresAt: state.now() + LIFETIME_S * 1000, token: b.access_token as string });
    state.supersede("yzb", owner.appId, "js_ticket", value, TICKET_OVERLAP_MS);
    return { status: 200, body: { status: "2000", message: "ok", data: { ticket: value, expires_in: LIFETIME_S } } };
  },

  "POST /OAuth2/checkCode": (state, req) => {
    const b = req.body ?? {};
    if (b.type !== "access_token" && b.type !== "js_ticket") return { status: 200, body: { status: "4001", message: "type is invalid", data: [] } };
    const it = typeof b.code === "string" ? state.valid(b.code, "yzb", b.type) : null;
    if (!it || it.appId !== b.app_id) return invalid(b.type === "js_ticket" ? "js_ticket is invalid" : "server_access_token is invalid");
    return { status: 200, body: { status: "2000", message: "ok", data: { expires_in: Math.floor(it.expiresAt / 1000) } } };
  },

  "POST /OAuth2/token": (state, req) => {
    const b = req.body ?? {};
    const app = typeof b.app_id === "string" ? state.app("yzb", b.app_id) : undefined;
    if (!app || !state.secretMatches(app, b.secret)) return { status: 200, body: { status: "4001", message: "app_id or secret is invalid", data: [] } };
    if (b.grant_type !== "authorization_code") return { status: 200, body: { status: "4001", message: "grant_type is invalid", data: [] } };
    const code = typeof b.code === "string" ? yzbAuthCodes.get(b.code) : undefined;
    if (!code || code.appId !== b.app_id) return invalid("authorization_code is invalid");
    yzbAuthCodes.delete(b.code as string);
    return {
      status: 200,
      body: {
        status: 2000,
        message: "ok",
        data: { open_id: code.openId, access_token: hex(32), expires_in: LIFETIME_S, refresh_token: hex(32), scope: "sns_base" },
      },
    };
  },
};

export function mintYzbAuthCode(appId: string, openId = Buffer.from(`demo-user-${hex(4)}`).toString("base64url")): { code: string; openId: string } {
  const code = hex(16);
  yzbAuthCodes.set(code, { appId, openId });
  return { code, openId };
}
