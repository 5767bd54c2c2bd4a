import "server-only";
import { now } from "../clock";
import { vendorContext } from "../apps/vendor-context";
import { getDb } from "../db";
import { AppError } from "../errors";
import { checkYzbCode, exchangeYzbAuthCode } from "../vendors/yzb";
import { VendorError } from "../vendors/types";

/** `title` names the tool ("Exchange failed", "Check failed"); `field` is null (and said so) for a vendor failure. */
export class YzbToolError extends AppError {
  constructor(kind: "not-found" | "conflict" | "unprocessable" | "upstream", title: string, field: string | null, message: string, failure?: string) {
    super(
      kind,
      title,
      message,
      field ? { field, extra: failure === undefined ? {} : { failure } } : { extra: { field: null, ...(failure === undefined ? {} : { failure }) } },
    );
  }
}

async function yzbApp(appRef: string, title: string) {
  const app = await getDb().vendorApp.findUnique({ where: { id: appRef } });
  if (app?.vendor !== "yzb") throw new YzbToolError("not-found", title, "appRef", "must be a yzb app");
  if (!app.enabled) throw new YzbToolError("conflict", title, "appRef", "the app is disabled");
  return app;
}

const vendorFailure =
  (title: string) =>
  (err: unknown): never => {
    if (err instanceof VendorError) throw new YzbToolError("upstream", title, null, err.message, err.failure);
    throw err;
  };

const EXCHANGE = "Exchange failed";
const CHECK = "Check failed";

/** A page's one-time auth code → the user's open_id, through `/OAuth2/token` (forwarded; nothing cached). */
export async function exchangeCode({ input, actor }: { input: { appRef: string; code: string }; actor: string }) {
  const db = getDb();
  const app = await yzbApp(input.appRef, EXCHANGE);
  const r = await exchangeYzbAuthCode(vendorContext(db, app, null), input.code).catch(vendorFailure(EXCHANGE));
  // Standalone: an exchange stores nothing, so there is no transaction for its row to join.
  await db.auditEvent.create({
    data: {
      at: now(),
      actor,
      action: "yzb.exchange-code",
      target: app.id,
      outcome: "invalid" in r ? "invalid code" : "ok",
      detail: "invalid" in r ? r.invalid : `open_id ${r.openId}`,
    },
  });
  if ("invalid" in r) throw new YzbToolError("unprocessable", EXCHANGE, "code", `yzb refused the code: ${r.invalid}`);
  return { openId: r.openId };
}

/** yzb's `/OAuth2/checkCode` on a token or js_ticket someone pasted. */
export async function checkCode({
  input,
  actor,
}: {
  input: { appRef: string; type: "access_token" | "js_ticket"; code: string; openId?: string };
  actor: string;
}) {
  const db = getDb();
  const app = await yzbApp(input.appRef, CHECK);
  const r = await checkYzbCode(vendorContext(db, app, null), { type: input.type, code: input.code, openId: input.openId }).catch(vendorFailure(CHECK));
  // Standalone: a check stores nothing, so there is no transaction for its row to join.
  await db.auditEvent.create({
    data: { at: now(), actor, action: "yzb.check-code", target: app.id, outcome: r.valid ? "valid" : "invalid", detail: `${app.name} ${input.type}` },
  });
  return r.valid ? { valid: true as const, vendorExpiresAt: r.expiresAt.toISOString() } : { valid: false as const, message: r.message };
}
