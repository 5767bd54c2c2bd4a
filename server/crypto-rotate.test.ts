import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { migratedSqlite } from "@/test-support/test-db";
import { checkKey, rotateKey } from "./crypto-rotate";
import { decrypt, encrypt, valueHash } from "./crypto";
import { createDb, type Db } from "./db";

const keyA = randomBytes(32);
const keyB = randomBytes(32);
const SECRET = "app-secret-plaintext";
const TOKEN = "access-token-plaintext";
const NONCE = "nonce-ticket-plaintext";
const CHANNEL = JSON.stringify({ type: "webhook", url: "https://hooks.example.com/rotate-plaintext" });

let dir: string;
let db: Db;

beforeAll(async () => {
  const { dataDir, file, url } = await migratedSqlite("tickethub-rotate-");
  dir = dataDir;
  db = createDb({ provider: "sqlite", url, file });
});

afterAll(async () => {
  await db?.$disconnect();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  await db.vendorApp.deleteMany();
});

async function seed(key: Buffer, nonceKey: Buffer = key) {
  const app = await db.vendorApp.create({
    data: {
      vendor: "wechat",
      name: "Rotate",
      appId: "wx-rotate",
      secretEnc: encrypt(SECRET, key),
      alertChannelEnc: encrypt(CHANNEL, key),
      baseUrl: "https://api.example.com",
    },
  });

  const credential = await db.credential.create({ data: { appRef: app.id, kind: "access_token" } });
  const now = new Date();
  const version = await db.credentialVersion.create({
    data: {
      credentialId: credential.id,
      generation: 1,
      valueEnc: encrypt(TOKEN, key),
      valueHash: valueHash(TOKEN, key),
      fetchedAt: now,
      expiresIn: 7200,
      expiresAt: new Date(now.getTime() + 7_200_000),
    },
  });
  const nonce = await db.nonceTicket.create({
    data: {
      appRef: app.id,
      userId: "user-1",
      valueEnc: encrypt(NONCE, nonceKey),
      valueHash: valueHash(NONCE, nonceKey),
      issuedBy: "admin",
      issuedAt: now,
      expiresIn: 120,
      expiresAt: new Date(now.getTime() + 120_000),
    },
  });
  return { app, version, nonce };
}

const snapshot = async () => ({
  apps: await db.vendorApp.findMany({ orderBy: { id: "asc" } }),
  versions: await db.credentialVersion.findMany({ orderBy: { id: "asc" } }),
  nonces: await db.nonceTicket.findMany({ orderBy: { id: "asc" } }),
});

describe("rotateKey", () => {
  it("re-encrypts every secret and keyed hash with the new key", async () => {
    const { app, version, nonce } = await seed(keyA);
    // An app without an alert channel of its own keeps none.
    await db.vendorApp.create({
      data: { vendor: "wechat", name: "Plain", appId: "wx-plain", secretEnc: encrypt(SECRET, keyA), baseUrl: "https://api.example.com" },
    });
    expect(await rotateKey(db, keyA, keyB)).toEqual({ apps: 2, channels: 1, lostChannels: 0, versions: 1, nonces: 1 });

    const a = await db.vendorApp.findUniqueOrThrow({ where: { id: app.id } });
    const v = await db.credentialVersion.findUniqueOrThrow({ where: { id: version.id } });
    const n = await db.nonceTicket.findUniqueOrThrow({ where: { id: nonce.id } });

    expect(decrypt(a.secretEnc, keyB)).toBe(SECRET);
    // The app's own alert channel too: on the old key its alerts would stop reaching it.
    expect(decrypt(a.alertChannelEnc!, keyB)).toBe(CHANNEL);
    expect(() => decrypt(a.alertChannelEnc!, keyA)).toThrow();
    expect((await db.vendorApp.findFirstOrThrow({ where: { appId: "wx-plain" } })).alertChannelEnc).toBeNull();
    expect(decrypt(v.valueEnc, keyB)).toBe(TOKEN);
    expect(decrypt(n.valueEnc, keyB)).toBe(NONCE);
    expect(() => decrypt(a.secretEnc, keyA)).toThrow();
    expect(() => decrypt(v.valueEnc, keyA)).toThrow();
    expect(() => decrypt(n.valueEnc, keyA)).toThrow();
    expect(v.valueHash).toBe(valueHash(TOKEN, keyB));
    expect(n.valueHash).toBe(valueHash(NONCE, keyB));
    expect(v.valueHash).not.toBe(version.valueHash);
    // The app's settings did not change.
    expect(a.updatedAt).toEqual(app.updatedAt);

    expect(await checkKey(db, keyB)).toEqual({ status: "ok" });
    expect(await checkKey(db, keyA)).toMatchObject({ status: "wrong" });
  });

  it("an alert channel an earlier rotation left on its key (unreadable since) does not stop this one: removed and counted", async () => {
    const { app } = await seed(keyA);
    const earlier = randomBytes(32);
    await db.vendorApp.update({ where: { id: app.id }, data: { alertChannelEnc: encrypt(CHANNEL, earlier) } });
    expect(await rotateKey(db, keyA, keyB)).toEqual({ apps: 1, channels: 0, lostChannels: 1, versions: 1, nonces: 1 });
    const a = await db.vendorApp.findUniqueOrThrow({ where: { id: app.id } });
    expect(decrypt(a.secretEnc, keyB)).toBe(SECRET);
    expect(a.alertChannelEnc).toBeNull();
  });

  it("refuses a wrong old key and leaves every row byte-for-byte unchanged", async () => {
    const { app } = await seed(keyA);
    const before = await snapshot();
    const wrong = randomBytes(32);

    expect(await checkKey(db, wrong)).toEqual({ status: "wrong", appId: app.id });
    await expect(rotateKey(db, wrong, keyB)).rejects.toThrow(`VendorApp ${app.id}`);
    expect(await snapshot()).toEqual(before);
  });

  it("rolls back rows already re-encrypted when a later row fails", async () => {
    const other = randomBytes(32);
    const { nonce } = await seed(keyA, other);
    const before = await snapshot();

    await expect(rotateKey(db, keyA, keyB)).rejects.toThrow(`NonceTicket ${nonce.id}`);
    expect(await snapshot()).toEqual(before);
  });

  it("never puts a plaintext in the error", async () => {
    await seed(keyA);
    const err: unknown = await rotateKey(db, randomBytes(32), keyB).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    for (const plain of [SECRET, TOKEN, NONCE, CHANNEL]) expect((err as Error).message).not.toContain(plain);
  });

  it("reports an empty database", async () => {
    expect(await checkKey(db, keyA)).toEqual({ status: "empty" });
    expect(await rotateKey(db, keyA, keyB)).toEqual({ apps: 0, channels: 0, lostChannels: 0, versions: 0, nonces: 0 });
  });
});

describe("npm run rotate-key", () => {
  const root = path.resolve(import.meta.dirname, "..");
  const run = (env: Record<string, string>) => {
    const childEnv = { ...process.env };
    for (const k of Object.keys(childEnv)) if (k.startsWith("TICKETHUB_") || k === "DATABASE_URL") delete childEnv[k];
    Object.assign(childEnv, { TICKETHUB_DATA_DIR: dir, DATABASE_URL: `file:${path.join(dir, "test.db")}` }, env);
    return spawnSync(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/rotate-key.ts"], {
      cwd: root,
      env: childEnv,
      encoding: "utf8",
    });
  };
  const keyFile = () => path.join(dir, "secret.key");

  it("rotates the key file, replaces it (mode 0600, old key not kept) and prints the counts", async () => {
    const { app } = await seed(keyA);
    writeFileSync(keyFile(), `${keyA.toString("base64")}\n`, { mode: 0o600 });

    const out = run({});
    expect(out.stderr).toBe("");
    expect(out.status).toBe(0);
    expect(out.stdout).toContain("stop every Ticket Hub instance");
    expect(out.stdout).toContain("re-encrypted 1 app secrets, 1 app alert channels, 1 credential versions, 1 NONCE tickets");
    const newKey = Buffer.from(readFileSync(keyFile(), "utf8").trim(), "base64");
    expect(newKey.length).toBe(32);
    expect(newKey.equals(keyA)).toBe(false);
    expect(out.stdout).not.toContain(newKey.toString("base64"));
    expect(statSync(keyFile()).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((f) => f.startsWith("secret.key"))).toEqual(["secret.key"]);
    const a = await db.vendorApp.findUniqueOrThrow({ where: { id: app.id } });
    expect(decrypt(a.secretEnc, newKey)).toBe(SECRET);
  });

  it("exits 1 with one line for a bad TICKETHUB_NEW_SECRET_KEY or a wrong old key, changing nothing", async () => {
    await seed(keyA);
    const before = await snapshot();

    const bad = run({ TICKETHUB_SECRET_KEY: keyA.toString("hex"), TICKETHUB_NEW_SECRET_KEY: "short" });
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toContain("TICKETHUB_NEW_SECRET_KEY");

    const missing = run({ TICKETHUB_SECRET_KEY: keyA.toString("hex") });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("TICKETHUB_NEW_SECRET_KEY: required");

    const wrong = run({ TICKETHUB_SECRET_KEY: randomBytes(32).toString("hex"), TICKETHUB_NEW_SECRET_KEY: keyB.toString("base64") });
    expect(wrong.status).toBe(1);
    expect(wrong.stderr.trim().split("\n")).toHaveLength(1);
    expect(wrong.stderr).toContain("cannot decrypt the stored secrets");
    expect(await snapshot()).toEqual(before);
  });

  it("rotates an environment key and tells the operator to update TICKETHUB_SECRET_KEY without printing keys", async () => {
    await seed(keyA);
    const out = run({ TICKETHUB_SECRET_KEY: keyA.toString("base64"), TICKETHUB_NEW_SECRET_KEY: keyB.toString("hex") });
    expect(out.status).toBe(0);
    expect(out.stdout).toContain("set TICKETHUB_SECRET_KEY to the value of TICKETHUB_NEW_SECRET_KEY");
    for (const k of [keyA, keyB]) for (const enc of ["hex", "base64"] as const) expect(out.stdout).not.toContain(k.toString(enc));
    const a = (await db.vendorApp.findMany())[0]!;
    expect(decrypt(a.secretEnc, keyB)).toBe(SECRET);
    expect(existsSync(`${keyFile()}.new`)).toBe(false);
  });
});

describe("an instance started with the wrong key", () => {
  const root = path.resolve(import.meta.dirname, "..");

  it("says which key does not open the stored secrets and exits 1, starting nothing", async () => {
    await seed(keyA);
    const childEnv = { ...process.env };
    for (const k of Object.keys(childEnv)) if (k.startsWith("TICKETHUB_") || k === "DATABASE_URL") delete childEnv[k];
    Object.assign(childEnv, {
      TICKETHUB_DATA_DIR: dir,
      DATABASE_URL: `file:${path.join(dir, "test.db")}`,
      TICKETHUB_SECRET_KEY: keyB.toString("base64"),
    });
    const out = spawnSync(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/serve.ts"], {
      cwd: root,
      env: childEnv,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(out.status).toBe(1);
    expect(out.stderr).toContain("TICKETHUB_SECRET_KEY does not open the stored secrets");
    expect(out.stderr).toContain("npm run rotate-key");
    // Neither key is printed, and the Next server was never started.
    expect(out.stderr + out.stdout).not.toContain(keyA.toString("base64"));
    expect(out.stderr + out.stdout).not.toContain(keyB.toString("base64"));
    expect(out.stderr + out.stdout).not.toMatch(/Next server|Ready in/);
  }, 90_000);
});
