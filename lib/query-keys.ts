/**
 * Query-key factories, one per feature: every key the dashboard caches under comes from here.
 * Kept in one pure module (not beside each feature's fetchers) because features invalidate each
 * other's data (an app change invalidates credentials) and the server can prefetch with them.
 */
export const credentialKeys = {
  all: ["credentials"] as const,
  /** A page of the overview, by its canonical query string (lib/overview-query.ts overviewSearch). */
  overview: (search: string) => [...credentialKeys.all, "overview", search] as const,
  /** One app's credentials (the credential page), by the app's id. */
  app: (app: string) => [...credentialKeys.all, "app", app] as const,
  history: (id: string) => [...credentialKeys.all, "history", id] as const,
};

/** Which credential slots exist (the tools' pickers). */
export const catalogKeys = {
  all: ["catalog"] as const,
};

export const nonceKeys = {
  all: ["nonces"] as const,
  list: () => [...nonceKeys.all, "list"] as const,
};

export const alertKeys = {
  all: ["alerts"] as const,
};

export const appKeys = {
  all: ["apps"] as const,
  list: () => [...appKeys.all, "list"] as const,
};

export const adminKeys = {
  all: ["admin"] as const,
  users: () => [...adminKeys.all, "users"] as const,
  apiKeys: () => [...adminKeys.all, "keys"] as const,
};

export const auditKeys = {
  all: ["audit"] as const,
  list: () => [...auditKeys.all, "list"] as const,
};
