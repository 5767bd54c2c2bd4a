/** Dashboard roles, weakest first: each can do everything the ones before it can. */
export const ROLES = ["viewer", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_INFO: Record<Role, string> = {
  viewer: "health and history; no values",
  operator: "refresh, check, NONCE desk, reveal and copy",
  admin: "apps, users and API keys",
};

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** Whether `role` may do what `need` may. */
export function roleAllows(role: Role, need: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(need);
}

/** Names of the cookies a session uses: the HttpOnly token and the CSRF value scripts echo back. */
export const SESSION_COOKIE = "th_session";
export const CSRF_COOKIE = "th_csrf";
export const CSRF_HEADER = "x-csrf-token";
