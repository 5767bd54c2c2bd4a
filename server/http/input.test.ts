// The one place a route reads its [id], body and query: each refusal is a 400 problem naming the
// field and the rule, the same for every route.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { notFound } from "../errors";
import { readBody, readQuery, routeId } from "./input";
import { internalError } from "./problem";

const schema = z.object({ action: z.enum(["reveal", "copy"], { error: 'must be "reveal" or "copy"' }), versionId: z.string().optional() }).strict();
const post = (body: string) => new Request("http://127.0.0.1/x", { method: "POST", headers: { "content-type": "application/json" }, body });
/** What the client sees when a handler lets the error through to its mapping. */
async function answer(run: () => Promise<unknown> | unknown) {
  try {
    await run();
  } catch (err) {
    const res = internalError(err, "test");
    return { ...((await res.json()) as { title: string; detail: string; field?: string }), status: res.status, contentType: res.headers.get("content-type") };
  }
  throw new Error("expected a refusal");
}

describe("reading a route's input", () => {
  it("answers a bad [id] with 400 naming the id", async () => {
    const res = await answer(() => routeId({ params: Promise.resolve({ id: "../etc" }) }, "credential"));
    expect(res).toMatchObject({ status: 400, title: "Invalid credential id", detail: "id: must be 1–64 letters or digits", field: "id" });
    expect(res.contentType).toBe("application/problem+json");
    expect(await routeId({ params: Promise.resolve({ id: "abc123" }) }, "credential")).toBe("abc123");
  });

  it("names the field and its rule, and lists the allowed fields for an unknown one", async () => {
    expect(await answer(() => readBody(post('{"action":"eat"}'), schema))).toMatchObject({
      status: 400,
      detail: 'action: must be "reveal" or "copy"',
      field: "action",
    });
    expect(await answer(() => readBody(post('{"action":"copy","x":1}'), schema))).toMatchObject({
      status: 400,
      detail: "x: unknown field (allowed: action, versionId)",
    });
    expect(await readBody(post('{"action":"copy"}'), schema)).toEqual({ action: "copy" });
  });

  it("says a body that is not a JSON object is not one, rather than a zod default", async () => {
    expect(await answer(() => readBody(post("[1]"), schema))).toMatchObject({ status: 400, detail: "body: must be a JSON object", field: "body" });
  });

  it("names an unknown query parameter as a parameter", async () => {
    const q = z.object({ limit: z.coerce.number().int() }).strict();
    expect(await answer(() => readQuery(new Request("http://127.0.0.1/x?limit=2&sort=up"), q))).toMatchObject({
      status: 400,
      title: "Invalid query",
      detail: "sort: unknown parameter (allowed: limit)",
    });
  });

  it("maps a verb's not-found to 404 with the thing's name", async () => {
    expect(await answer(() => Promise.reject(notFound("NONCE ticket", "abc")))).toMatchObject({
      status: 404,
      title: "NONCE ticket not found",
      detail: "No NONCE ticket with id abc",
    });
  });
});
