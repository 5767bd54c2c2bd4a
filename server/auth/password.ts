import "server-only";
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { HashGate } from "./hash-gate";

/**
 * Every scrypt call in the process goes through one gate: 2 at a time (half of libuv's pool, so
 * file and DNS work keep the rest), up to 16 waiting (~0.8 s of work at ~100 ms each), and a
 * HashingBusyError beyond that. Kept on globalThis so every copy of this module shares it.
 */
const g = globalThis as unknown as { tickethubHashGate?: HashGate };
export function hashGate(): HashGate {
  g.tickethubHashGate ??= new HashGate(2, 16, 1);
  return g.tickethubHashGate;
}

const scrypt = (password: string, salt: Buffer, keylen: number, opts: ScryptOptions) =>
  hashGate().run(() => new Promise<Buffer>((resolve, reject) => scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key)))));

/** scrypt with N = 2^15, r = 8: 32 MiB of memory per hash, about 100 ms on this class of machine. */
const PARAMS = { N: 1 << 15, r: 8, p: 1 };
const KEYLEN = 32;
const maxmem = (n: number, r: number) => 128 * n * r * 2;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEYLEN, { ...PARAMS, maxmem: maxmem(PARAMS.N, PARAMS.r) });
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64");
  const N = Number(n);
  const R = Number(r);
  const key = await scrypt(password, Buffer.from(salt, "base64"), expected.length, { N, r: R, p: Number(p), maxmem: maxmem(N, R) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash to compare against when the user does not exist, so timing does not reveal usernames. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  // Not cached when refused by a full gate: a rejected promise kept here would fail every later sign-in.
  dummy ??= hashPassword(randomBytes(16).toString("hex")).catch((err: unknown) => {
    dummy = undefined;
    throw err;
  });
  return dummy;
}
