import type { Role } from "./roles";

/**
 * Seeded when TICKETHUB_DEMO=on (the embedded default) and offered on the sign-in page, so the
 * quick start shows live tickets at once. Turn demo mode off for anything reachable by others.
 */
export const DEMO_ACCOUNTS: { username: string; password: string; role: Role }[] = [
  { username: "admin", password: "demo-admin-password", role: "admin" },
  { username: "operator", password: "demo-operator-password", role: "operator" },
  { username: "viewer", password: "demo-viewer-password", role: "viewer" },
];
