// What each vendor's credentials are and how they relate; shared by the server and the UI.
// One `as const` catalog; the vendor list, the kind list and their types are all derived from it.

const CATALOG = {
  wechat: {
    label: "WeChat",
    kinds: [
      { kind: "access_token", label: "Access token", parent: null },
      { kind: "jsapi_ticket", label: "jsapi ticket", parent: "access_token" },
      { kind: "wx_card_ticket", label: "wx_card ticket", parent: "access_token" },
    ],
  },
  feishu: {
    label: "Feishu",
    kinds: [
      { kind: "access_token", label: "tenant_access_token", parent: null },
      { kind: "jsapi_ticket", label: "JSAPI ticket", parent: "access_token" },
    ],
  },
  // NONCE tickets are issued on demand and never stored for reuse, so they have no slot here.
  faceid: {
    label: "Tencent FaceID",
    kinds: [
      { kind: "access_token", label: "Access token", parent: null },
      { kind: "sign_ticket", label: "SIGN ticket", parent: "access_token" },
    ],
  },
  yzb: {
    label: "yzb",
    kinds: [
      { kind: "access_token", label: "Server access token", parent: null },
      { kind: "js_ticket", label: "js_ticket", parent: "access_token" },
    ],
  },
} as const satisfies Record<string, { label: string; kinds: readonly { kind: string; label: string; parent: string | null }[] }>;

export type VendorId = keyof typeof CATALOG;
/** Every vendor's server token is kind "access_token", so lineage works the same everywhere. */
export type CredentialKind = (typeof CATALOG)[VendorId]["kinds"][number]["kind"];

export type KindSpec = {
  kind: CredentialKind;
  label: string;
  /** The token a ticket is fetched with (lineage); null for the token itself. */
  parent: CredentialKind | null;
};

/** In the catalog's order (string keys keep insertion order). */
export const VENDORS = Object.keys(CATALOG) as [VendorId, ...VendorId[]];
/** Every kind any vendor has, each once, in the catalog's order (for enums in schemas and the OpenAPI document). */
export const CREDENTIAL_KINDS = [...new Set(VENDORS.flatMap((v) => CATALOG[v].kinds.map((k) => k.kind)))] as [CredentialKind, ...CredentialKind[]];

export const VENDOR_LABELS = Object.fromEntries(VENDORS.map((v) => [v, CATALOG[v].label])) as Record<VendorId, string>;

export const VENDOR_KINDS = Object.fromEntries(VENDORS.map((v) => [v, CATALOG[v].kinds.map((k) => ({ ...k }))])) as Record<VendorId, KindSpec[]>;

export function kindSpec(vendor: VendorId, kind: string): KindSpec | undefined {
  return VENDOR_KINDS[vendor].find((k) => k.kind === kind);
}

export function isVendor(v: string): v is VendorId {
  return (VENDORS as readonly string[]).includes(v);
}
