// `npm run rotate-key`: re-encrypts every secret at rest (app secrets and alert channels, credential versions,
// NONCE tickets) with a new AES-256-GCM key, in one transaction.
//
// Stop every Ticket Hub instance first: each one caches the key it started with and would keep
// writing (and failing to read) rows under the old key.
//
//   Key file (demo / single host; TICKETHUB_SECRET_KEY unset):
//     npm run rotate-key
//       → generates a new key (or takes TICKETHUB_NEW_SECRET_KEY), re-encrypts, and replaces
//         <TICKETHUB_DATA_DIR>/secret.key with it. The old key is not kept.
//   Environment key (production):
//     TICKETHUB_SECRET_KEY=<old> TICKETHUB_NEW_SECRET_KEY="$(openssl rand -base64 32)" npm run rotate-key
//       → re-encrypts; then set TICKETHUB_SECRET_KEY to the new value on every instance and start them.
//         Save the new value before running: it is required here and never printed.
//
// Uses DATABASE_URL / TICKETHUB_DATA_DIR like `npm start`, and applies pending migrations first.
// Exit code 0 on success, 1 with a one-line message otherwise.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { ConfigError, decodeKey, describeDatabase, parseConfig } from "../server/config";
import { applyMigrations } from "./lib/migrations";

const log = (msg: string) => console.log(`[rotate-key] ${msg}`);

class Refusal extends Error {}

function readKeyFile(file: string): Buffer {
  const key = Buffer.from(fs.readFileSync(file, "utf8").trim(), "base64");
  if (key.length !== 32) throw new Refusal(`${file} does not hold a 32-byte base64 key`);
  return key;
}

/** Writes the key to `file` (mode 0600) and flushes it to disk; fails if `file` exists. */
function writeKeyFile(file: string, key: Buffer) {
  const fd = fs.openSync(file, "wx", 0o600);
  try {
    fs.writeSync(fd, `${key.toString("base64")}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function syncDir(dir: string) {
  try {
    const fd = fs.openSync(dir, "r");
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    /* not supported everywhere; the rename itself is atomic */
  }
}

async function main() {
  log(
    "note: stop every Ticket Hub instance before rotating and keep them stopped until it finishes — they cache the key and would write rows with the old one",
  );

  const config = parseConfig();
  const keyFile = path.join(config.dataDir, "secret.key");
  const pendingFile = `${keyFile}.new`;
  const fromEnv = config.secretKey !== null;

  // Old key: where the server would take it from.
  let oldKey: Buffer;
  if (config.secretKey) oldKey = config.secretKey;
  else if (fs.existsSync(keyFile)) oldKey = readKeyFile(keyFile);
  else throw new Refusal(`no key to rotate: TICKETHUB_SECRET_KEY is not set and ${keyFile} does not exist`);

  // New key: TICKETHUB_NEW_SECRET_KEY, or (key file only) a fresh one.
  const rawNew = process.env.TICKETHUB_NEW_SECRET_KEY?.trim();
  let newKey: Buffer;
  if (rawNew) {
    const decoded = decodeKey(rawNew);
    if (!decoded) throw new Refusal("TICKETHUB_NEW_SECRET_KEY: must be 32 bytes as 64 hex characters or base64 (openssl rand -base64 32)");
    newKey = decoded;
  } else if (!fromEnv) {
    newKey = randomBytes(32);
  } else {
    throw new Refusal(
      'TICKETHUB_NEW_SECRET_KEY: required when the key comes from TICKETHUB_SECRET_KEY (e.g. TICKETHUB_NEW_SECRET_KEY="$(openssl rand -base64 32)"; keep that value, it becomes the new TICKETHUB_SECRET_KEY)',
    );
  }
  if (newKey.equals(oldKey)) throw new Refusal("TICKETHUB_NEW_SECRET_KEY: is the same as the current key; nothing to rotate");

  // Database: migrations, then make sure the old key really opens what is stored.
  fs.mkdirSync(config.dataDir, { recursive: true });
  const where = describeDatabase(config.database);
  try {
    const applied = await applyMigrations(config.database.url);
    log(`database ${where}: ${applied.length ? `applied ${applied.join(", ")}` : "up to date"}`);
  } catch (err) {
    throw new Refusal(`cannot prepare the database (${where}): ${(err as Error).message.split("\n")[0]}`);
  }

  const { createDb } = await import("../server/db");
  const { checkKey, rotateKey } = await import("../server/crypto-rotate");
  const db = createDb(config.database);
  try {
    const oldSource = fromEnv ? "TICKETHUB_SECRET_KEY" : keyFile;
    const check = await checkKey(db, oldKey);
    if (check.status === "wrong") {
      // A leftover secret.key.new that opens the data means an earlier rotation committed but
      // never replaced the key file: finishing it is a rename, not another rotation.
      if (!fromEnv && fs.existsSync(pendingFile)) {
        let pending: Buffer | null = null;
        try {
          pending = readKeyFile(pendingFile);
        } catch {
          /* unreadable: fall through */
        }
        if (pending && (await checkKey(db, pending)).status === "ok") {
          throw new Refusal(
            `the stored secrets are already encrypted with ${pendingFile} (an earlier rotation was interrupted); rename it to ${keyFile} and start again`,
          );
        }
      }
      if ((await checkKey(db, newKey)).status === "ok") {
        throw new Refusal(`the stored secrets already decrypt with the new key, not with ${oldSource}; was the rotation already done?`);
      }
      throw new Refusal(`the old key (${oldSource}) cannot decrypt the stored secrets (VendorApp ${check.appId}); nothing was changed`);
    }

    // Key file: write the new key beside the old one before committing, so that if anything
    // stops between the commit and the rename, the key that opens the data is still on disk.
    if (!fromEnv) {
      // The old key opens the data, so a leftover .new is stale (see above) and can go.
      fs.rmSync(pendingFile, { force: true });
      writeKeyFile(pendingFile, newKey);
    }

    let counts;
    try {
      counts = await rotateKey(db, oldKey, newKey);
    } catch (err) {
      if (!fromEnv) fs.rmSync(pendingFile, { force: true });
      throw err;
    }
    log(
      `re-encrypted ${counts.apps} app secrets, ${counts.channels} app alert channels, ${counts.versions} credential versions, ${counts.nonces} NONCE tickets`,
    );
    if (counts.lostChannels > 0)
      log(
        `${counts.lostChannels} app alert channel(s) did not open with the old key (sealed with an earlier one and unreadable since): removed; set them again on the Apps page (Edit → Alert channel)`,
      );

    if (!fromEnv) {
      try {
        fs.renameSync(pendingFile, keyFile);
        syncDir(config.dataDir);
      } catch (err) {
        throw new Refusal(
          `the data is now encrypted with the key in ${pendingFile} but it could not replace ${keyFile} (${(err as Error).message}); rename it by hand before starting`,
        );
      }
      log(`replaced ${keyFile} with the new key (the old key is not kept); start the instances again`);
    } else {
      log(
        "done: set TICKETHUB_SECRET_KEY to the value of TICKETHUB_NEW_SECRET_KEY on every instance, then start them; with the old value they can no longer read the secrets",
      );
    }
  } finally {
    await db.$disconnect();
  }
}

try {
  await main();
} catch (err) {
  const message = err instanceof ConfigError ? `invalid configuration: ${err.issues.join("; ")}` : (err as Error).message.split("\n")[0];
  console.error(`[rotate-key] ${err instanceof Refusal || err instanceof ConfigError ? "" : "rotation failed: "}${message}`);
  process.exit(1);
}
