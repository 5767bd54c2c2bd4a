// co-wechat-api ships no types; the proxy tests use these of its methods.
declare module "co-wechat-api" {
  export type AccessToken = { accessToken: string; expireTime: number };
  export default class WechatAPI {
    /** `getToken`/`saveToken`: where the SDK keeps its access token (in memory when omitted). */
    constructor(appid: string, appsecret: string, getToken?: () => Promise<AccessToken | null>, saveToken?: (token: AccessToken | null) => Promise<void>);
    prefix: string;
    getAccessToken(): Promise<AccessToken>;
    getTicket(type?: "jsapi" | "wx_card"): Promise<{ ticket: string; expireTime: number }>;
    getLatestTicket(): Promise<{ ticket: string; expireTime: number }>;
    getJsConfig(param: { debug: boolean; jsApiList: string[]; url: string }): Promise<{
      debug: boolean;
      appId: string;
      timestamp: string;
      nonceStr: string;
      signature: string;
      jsApiList: string[];
    }>;
  }
}
