import type { VendorId } from "./credential-kinds";

/** The demo apps of the README: the server seeds them, the sandbox accepts their secrets. */
export const DEMO_APPS: readonly { vendor: VendorId; name: string; appId: string; secret: string }[] = [
  { vendor: "wechat", name: "WeChat demo", appId: "wx000000000000demo", secret: "demo-wechat-secret" },
  { vendor: "feishu", name: "Feishu demo", appId: "cli_demo000000000000", secret: "demo-feishu-secret" },
  { vendor: "faceid", name: "FaceID demo", appId: "IDAdemo1", secret: "demo-faceid-secret" },
  { vendor: "yzb", name: "yzb demo", appId: "yzbdemo1", secret: "demo-yzb-secret" },
];
