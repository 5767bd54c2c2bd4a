import "server-only";
import path from "node:path";
import type { Prisma } from "@/generated/sqlite/client";
import { getConfig } from "./config";
import { decrypt, encrypt, getKey, valueHash } from "./crypto";
import type { Db } from "./db";
import { errorLine } from "./errors";

// Key rotation: every secret at rest (VendorApp.secretEnc and alertChannelEnc, CredentialVersion.valueEnc/valueHash,
// NonceTicket.valueEnc/valueHash) is decrypted with the old key and sealed again with the new one,
// all in one transaction so the database is never left half on one key and half on the other.
// `npm run rotate-key` (scripts/rotate-key.ts) is the command around it. No plaintext is logged.

type Tx = Prisma.TransactionClient;

/**
 * `channels`: apps' own alert channels (a webhook URL or a chat bot's, sealed like a secret).
 * `lostChannels`: channels that did not open with the old key though their app's secret did: sealed
 * with an earlier key by a rotation that left them behind (before they were rotated too), unreadable
 * since, so already out of use. They are removed, not let to stop the rotation; their apps need them set again.
 */
export type RotateCounts = { apps: number; channels: number; lostChannels: number; versions: number; nonces: number };

export class KeyRotationError extends Error {
  constructor(
    readonly table: string,
    readonly rowId: string,
    column: string,
  ) {
    super(`${table} ${rowId}: ${column} does not decrypt with the old key; nothing was changed`);
    this.name = "KeyRotationError";
  }
}

const BATCH = 500;

function open(sealed: string, key: Buffer, table: string, id: string, column: string): string {
  try {
    return decrypt(sealed, key);
  } catch {
    // The cause (GCM auth failure or a bad format) is deliberately not passed on: it says nothing useful.
    throw new KeyRotationError(table, id, column);
  }
}

/** Walks a table by id in batches (ids are unique, so the cursor is stable inside the transaction). */
async function eachBatch<T extends { id: string }>(fetch: (after: string | undefined) => Promise<T[]>, handle: (row: T) => Promise<void>): Promise<number> {
  let count = 0;
  let after: string | undefined;
  for (;;) {
    const rows = await fetch(after);
    for (const row of rows) {
      await handle(row);
      count++;
    }
    if (rows.length < BATCH) return count;
    after = rows[rows.length - 1]!.id;
  }
}

const page = (after: string | undefined) => ({
  ...(after === undefined ? {} : { where: { id: { gt: after } } }),
  orderBy: { id: "asc" as const },
  take: BATCH,
});

/**
 * Re-encrypts every secret with newKey (and recomputes the keyed hashes) in one interactive
 * transaction. A row that does not decrypt with oldKey throws a KeyRotationError naming the table
 * and row id, and the transaction rolls back: either every row moves to newKey or none does.
 * Instances must be stopped meanwhile: they hold the old key and would write rows with it.
 */
export async function rotateKey(db: Db, oldKey: Buffer, newKey: Buffer, options: { timeoutMs?: number } = {}): Promise<RotateCounts> {
  if (oldKey.length !== 32 || newKey.length !== 32) throw new Error("keys must be 32 bytes (AES-256)");
  const timeout = options.timeoutMs ?? 10 * 60_000;
  return db.$transaction(
    async (tx: Tx): Promise<RotateCounts> => {
      let channels = 0;
      let lostChannels = 0;
      const apps = await eachBatch(
        (after) => tx.vendorApp.findMany({ ...page(after), select: { id: true, secretEnc: true, alertChannelEnc: true, updatedAt: true } }),
        async (row) => {
          const secret = open(row.secretEnc, oldKey, "VendorApp", row.id, "secretEnc");
          // The app's own alert channel is sealed with the same key: left on the old one, it would no
          // longer open and the app's alerts would stop reaching it without a word (channels.ts appChannel).
          let channel: string | null = null;
          if (row.alertChannelEnc !== null) {
            try {
              channel = decrypt(row.alertChannelEnc, oldKey);
              channels++;
            } catch {
              lostChannels++;
            }
          }
          // updatedAt is kept: the app's settings did not change, only how its secrets are sealed.
          await tx.vendorApp.update({
            where: { id: row.id },
            data: { secretEnc: encrypt(secret, newKey), alertChannelEnc: channel === null ? null : encrypt(channel, newKey), updatedAt: row.updatedAt },
          });
        },
      );
      const versions = await eachBatch(
        (after) => tx.credentialVersion.findMany({ ...page(after), select: { id: true, valueEnc: true } }),
        async (row) => {
          const value = open(row.valueEnc, oldKey, "CredentialVersion", row.id, "valueEnc");
          await tx.credentialVersion.update({
            where: { id: row.id },
            data: { valueEnc: encrypt(value, newKey), valueHash: valueHash(value, newKey) },
          });
        },
      );
      const nonces = await eachBatch(
        (after) => tx.nonceTicket.findMany({ ...page(after), select: { id: true, valueEnc: true } }),
        async (row) => {
          const value = open(row.valueEnc, oldKey, "NonceTicket", row.id, "valueEnc");
          await tx.nonceTicket.update({
            where: { id: row.id },
            data: { valueEnc: encrypt(value, newKey), valueHash: valueHash(value, newKey) },
          });
        },
      );
      return { apps, channels, lostChannels, versions, nonces };
    },
    { timeout, maxWait: 30_000 },
  );
}

/**
 * Whether `key` opens the stored secrets, judged on the first VendorApp row (every other
 * encrypted row belongs to an app, so no app means nothing is encrypted). Lets the CLI refuse a
 * wrong old key before it starts.
 */
export async function checkKey(db: Db, key: Buffer): Promise<{ status: "ok" | "empty" } | { status: "wrong"; appId: string }> {
  const sample = await db.vendorApp.findFirst({ orderBy: { id: "asc" }, select: { id: true, secretEnc: true } });
  if (!sample) return { status: "empty" };
  try {
    decrypt(sample.secretEnc, key);
    return { status: "ok" };
  } catch {
    return { status: "wrong", appId: sample.id };
  }
}

const CHECK_TIMEOUT_MS = 3_000;

/**
 * At an instance's start (scripts/read-plane.ts): why it must not start, when this process's key
 * does not open the stored secrets (TICKETHUB_SECRET_KEY changed without `rotate-key`, or another
 * data folder's key file). Such an instance could decrypt no app secret and no stored value: every
 * refresh would fail (as a network error, once retried with backoff) and every read answer 500.
 * Null: the key opens them, nothing is stored yet, or the database does not answer (the check is
 * then skipped, with a warning: an instance starts during a database outage and serves what it can).
 */
export async function wrongKeyAtStart(db: Db): Promise<string | null> {
  const source = getConfig().secretKey ? "TICKETHUB_SECRET_KEY" : `the key file ${path.join(getConfig().dataDir, "secret.key")}`;
  let checked: Awaited<ReturnType<typeof checkKey>>;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    // A database that does not answer at once (a PostgreSQL host down: connecting can take long) does not hold the start up.
    const unanswered = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the database did not answer within ${CHECK_TIMEOUT_MS / 1000} s`)), CHECK_TIMEOUT_MS);
    });
    checked = await Promise.race([checkKey(db, getKey()), unanswered]);
  } catch (err) {
    console.warn(`[start] could not check the secret key against the stored secrets (${errorLine(err)}); starting anyway`);
    return null;
  } finally {
    clearTimeout(timer);
  }
  if (checked.status !== "wrong") return null;
  return (
    `${source} does not open the stored secrets (app ${checked.appId} does not decrypt with it): they were sealed with another key. ` +
    `Start with the key they were sealed with; to change keys, stop every instance and run \`npm run rotate-key\` (README: Hardening). ` +
    `Not starting: no app secret or stored value could be read.`
  );
}
