// co-wechat-api ships no types; the proxy test uses three of its methods.
declare module "co-wechat-api" {
  export default class WechatAPI {
    constructor(appid: string, appsecret: string);
    prefix: string;
    getAccessToken(): Promise<{ accessToken: string; expireTime: number }>;
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
