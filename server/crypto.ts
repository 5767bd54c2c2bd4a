import "server-only";
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { getConfig } from "./config";

const VERSION = "v1";

let key: Buffer | undefined;

/**
 * The AES-256 key: TICKETHUB_SECRET_KEY, or for the embedded demo a key generated once
 * into the data folder (mode 0600) so a restart can still read what it stored.
 */
export function getKey(): Buffer {
  if (key) return key;
  const config = getConfig();
  if (config.secretKey) return (key = config.secretKey);
  const file = path.join(config.dataDir, "secret.key");
  if (!fs.existsSync(file)) {
    fs.mkdirSync(config.dataDir, { recursive: true });
    try {
      fs.writeFileSync(file, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
    } catch (err) {
      // Another process created it first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  const decoded = Buffer.from(fs.readFileSync(file, "utf8").trim(), "base64");
  if (decoded.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
  return (key = decoded);
}

export function encrypt(plaintext: string, k: Buffer = getKey()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", k, iv);
  const ct = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), ct]).toString("base64")}`;
}

export function decrypt(sealed: string, k: Buffer = getKey()): string {
  const [version, body] = sealed.split(":", 2);
  if (version !== VERSION || !body) throw new Error("unknown ciphertext format");
  const raw = Buffer.from(body, "base64");
  const decipher = createDecipheriv("aes-256-gcm", k, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
}

/** Keyed hash: lets a presented token or ticket be looked up without storing it in the clear. */
export function valueHash(value: string, k: Buffer = getKey()): string {
  return createHmac("sha256", k).update(value).digest("hex");
}
