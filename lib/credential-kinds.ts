// What each vendor's credentials are and how they relate; shared by the server and the UI.
export const VENDORS = ["wechat", "feishu", "faceid", "yzb"] as const;
export type VendorId = (typeof VENDORS)[number];

export const VENDOR_LABELS: Record<VendorId, string> = {
  wechat: "WeChat",
  feishu: "Feishu",
  faceid: "Tencent FaceID",
  yzb: "yzb",
};

/** Every vendor's server token is kind "access_token", so lineage works the same everywhere. */
export type CredentialKind = "access_token" | "jsapi_ticket" | "wx_card_ticket" | "sign_ticket" | "js_ticket";

export type KindSpec = {
  kind: CredentialKind;
  label: string;
  /** The token a ticket is fetched with (lineage); null for the token itself. */
  parent: CredentialKind | null;
};

export const VENDOR_KINDS: Record<VendorId, KindSpec[]> = {
  wechat: [
    { kind: "access_token", label: "Access token", parent: null },
    { kind: "jsapi_ticket", label: "jsapi ticket", parent: "access_token" },
    { kind: "wx_card_ticket", label: "wx_card ticket", parent: "access_token" },
  ],
  feishu: [
    { kind: "access_token", label: "tenant_access_token", parent: null },
    { kind: "jsapi_ticket", label: "JSAPI ticket", parent: "access_token" },
  ],
  // NONCE tickets are issued on demand and never stored for reuse, so they have no slot here.
  faceid: [
    { kind: "access_token", label: "Access token", parent: null },
    { kind: "sign_ticket", label: "SIGN ticket", parent: "access_token" },
  ],
  yzb: [
    { kind: "access_token", label: "Server access token", parent: null },
    { kind: "js_ticket", label: "js_ticket", parent: "access_token" },
  ],
};

export function kindSpec(vendor: VendorId, kind: string): KindSpec | undefined {
  return VENDOR_KINDS[vendor].find((k) => k.kind === kind);
}

export function isVendor(v: string): v is VendorId {
  return (VENDORS as readonly string[]).includes(v);
}
