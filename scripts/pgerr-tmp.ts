import { startPostgres } from "./lib/postgres";
import { applyMigrations } from "./lib/migrations";
import { createDb } from "../server/db";
const pg = await startPostgres();
const url = await pg.createDatabase("t1");
await applyMigrations(url);
const db = createDb({ provider: "postgresql", url } as any);
console.log(await db.vendorApp.count());
pg.pause();
await new Promise(r=>setTimeout(r,1500));
console.log("still alive after idle");
const t0 = Date.now();
try { await db.vendorApp.count(); } catch (e: any) { console.log("ERR", Date.now()-t0, "ms", e.constructor.name, e.code, JSON.stringify(e.meta), String(e.message).slice(0,300), e.cause?.code, e.cause?.kind, e.cause && JSON.stringify(e.cause).slice(0,300)); }
try { await db.$transaction(async (tx) => tx.vendorApp.count()); } catch (e: any) { console.log("ERR2", e.constructor.name, e.code, String(e.message).slice(0,200)); }
pg.resume();
const t1 = Date.now();
for (let i=0;i<50;i++){ try { console.log("after resume", await db.vendorApp.count(), Date.now()-t1, "ms"); break; } catch (e:any) { console.log("retry", e.code, String(e.message).slice(0,80)); await new Promise(r=>setTimeout(r,100)); } }
await db.$disconnect(); pg.stop();
