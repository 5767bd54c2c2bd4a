// WeChat: /cgi-bin/token, /cgi-bin/stable_token, /cgi-bin/ticket/getticket, as documented:
// 7200 s lifetimes, a new token supersedes the old after a 5-minute overlap, errcode errors.
import { randomValue, type SandboxState } from "./state";
import type { Handler } from "./handler";

const LIFETIME_S = 7200;
const TOKEN_OVERLAP_MS = 5 * 60_000;
const TOKEN_DAILY_QUOTA = 2000;

const err = (errcode: number, errmsg: string) => ({ status: 200, body: { errcode, errmsg } });

function issueToken(state: SandboxState, appId: string, force: boolean) {
  const value = randomValue(96);
  state.issue(value, { vendor: "wechat", appId, kind: "access_token", expiresAt: state.now() + LIFETIME_S * 1000 });
  state.supersede("wechat", appId, "access_token", value, force ? 0 : TOKEN_OVERLAP_MS);
  return { status: 200, body: { access_token: value, expires_in: LIFETIME_S } };
}

export const wechatRoutes: Record<string, Handler> = {
  "GET /cgi-bin/token": (state, req) => {
    const q = req.query;
    if (q.get("grant_type") !== "client_credential") return err(40002, "invalid grant_type");
    const appId = q.get("appid");
    if (!appId) return err(41002, "appid missing");
    const app = state.app("wechat", appId);
    if (!app) return err(40013, "invalid appid");
    if (!state.secretMatches(app, q.get("secret"))) return err(40001, "invalid credential, access_token is invalid or not latest");
    if (!state.takeQuota(`wechat token ${appId}`, TOKEN_DAILY_QUOTA)) return err(45009, "reach max api daily quota limit");
    return issueToken(state, appId, false);
  },

  "POST /cgi-bin/stable_token": (state, req) => {
    const b = req.body ?? {};
    if (b.grant_type !== "client_credential") return err(40002, "invalid grant_type");
    if (typeof b.appid !== "string" || !b.appid) return err(41002, "appid missing");
    const app = state.app("wechat", b.appid);
    if (!app) return err(40013, "invalid appid");
    if (!state.secretMatches(app, b.secret)) return err(40125, "invalid appsecret");
    if (b.force_refresh !== true) {
      // Normal mode hands back the live token with its remaining lifetime.
      const live = state.latest("wechat", b.appid, "access_token");
      if (live && live.issued.expiresAt - state.now() > TOKEN_OVERLAP_MS) {
        return { status: 200, body: { access_token: live.value, expires_in: Math.floor((live.issued.expiresAt - state.now()) / 1000) } };
      }
    }
    if (b.force_refresh === true) {
      // force_refresh: 20 a day, at least 30 s apart.
      const last = state.lastForce.get(b.appid) ?? -Infinity;
      if (state.now() - last < 30_000) return err(45011, "api minute-quota reach limit  mustslower  retry next minute");
      if (!state.takeQuota(`wechat stable_token force ${b.appid}`, 20)) return err(45009, "reach max api daily quota limit");
      state.lastForce.set(b.appid, state.now());
    }
    return issueToken(state, b.appid, b.force_refresh === true);
  },

  // clearQuotaByAppSecret: resets this app's daily counters; 10 resets a month, 48006 past that.
  "POST /cgi-bin/clear_quota/v2": (state, req) => {
    const b = req.body ?? {};
    const appId = typeof b.appid === "string" ? b.appid : req.query.get("appid");
    const secret = typeof b.appsecret === "string" ? b.appsecret : req.query.get("appsecret");
    if (!appId) return err(41002, "appid missing");
    if (!secret) return err(41004, "appsecret missing");
    const app = state.app("wechat", appId);
    if (!app) return err(40013, "invalid appid");
    if (!state.secretMatches(app, secret)) return err(40125, "invalid appsecret");
    if (!state.takeMonthly(`wechat clear_quota ${appId}`, 10)) return err(48006, "forbid to clear quota because of reaching the limit");
    state.clearQuota(appId);
    return { status: 200, body: { errcode: 0, errmsg: "ok" } };
  },

  "GET /cgi-bin/ticket/getticket": (state, req) => {
    const token = req.query.get("access_token");
    if (!token) return err(41001, "access_token missing");
    const type = req.query.get("type");
    if (type !== "jsapi" && type !== "wx_card") return err(40097, "invalid args");
    const owner = state.valid(token, "wechat", "access_token");
    if (!owner) {
      const known = state.lookup(token);
      return known ? err(42001, "access_token expired") : err(40001, "invalid credential, access_token is invalid or not latest");
    }
    const value = state.takeNext("wechat /cgi-bin/ticket/getticket") ?? randomValue(64);
    const lifetime = state.takeNextLifetime("wechat /cgi-bin/ticket/getticket") ?? LIFETIME_S;
    state.issue(value, { vendor: "wechat", appId: owner.appId, kind: `${type}_ticket`, expiresAt: state.now() + lifetime * 1000, token });
    return { status: 200, body: { errcode: 0, errmsg: "ok", ticket: value, expires_in: lifetime } };
  },
};
