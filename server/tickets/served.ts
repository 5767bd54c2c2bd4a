/**
 * A value as reads hand it out. Its own module so that the read cache (fast/cache-store.ts) can hold
 * it without importing serve-credential.ts, which reads through that cache.
 */
export type Served = { value: string; expiresAt: Date; remainingSeconds: number; generation: number; vendorExpireTime: string | null };
