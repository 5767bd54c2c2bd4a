/**
 * What the dashboard's change stream says about the database in each ping (server/live/changes.ts):
 * null while it answers; otherwise since when it does not, and when it last did (server clock, ISO).
 * The server still answers then, but from memory: nothing it shows is confirmed.
 */
export type DatabaseOutage = { since: string; confirmedAt: string | null };

/** A ping's `database` member, checked: anything else than an outage reads as "the database answers". */
export function parseDatabaseOutage(value: unknown): DatabaseOutage | null {
  if (!value || typeof value !== "object") return null;
  const { since, confirmedAt } = value as Record<string, unknown>;
  if (typeof since !== "string") return null;
  return { since, confirmedAt: typeof confirmedAt === "string" ? confirmedAt : null };
}
