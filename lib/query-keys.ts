/** Query-key factory: every key the dashboard caches under comes from here. */
export const credentialKeys = {
  all: ["credentials"] as const,
  list: () => [...credentialKeys.all, "list"] as const,
  history: (id: string) => [...credentialKeys.all, "history", id] as const,
};

export const nonceKeys = {
  all: ["nonces"] as const,
  list: () => [...nonceKeys.all, "list"] as const,
};
