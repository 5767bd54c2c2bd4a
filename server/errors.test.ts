import { describe, expect, it } from "vitest";
import { isDatabaseUnreachable } from "./errors";

describe("a database that cannot be reached, told from one that refused a query", () => {
  it.each([
    [Object.assign(new Error("Can't reach database server at 127.0.0.1:5432"), { code: "P1001" })],
    [new Error("Connection terminated unexpectedly")],
    [Object.assign(new Error("x"), { cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }) })],
    [new Error("timeout exceeded when trying to connect")],
  ])("unreachable: %s", (err) => expect(isDatabaseUnreachable(err)).toBe(true));

  it.each([
    [Object.assign(new Error("Unique constraint failed on the fields: (`openKey`)"), { code: "P2002" })],
    [new Error("Record to update not found.")],
    [null],
  ])("not an outage: %s", (err) => expect(isDatabaseUnreachable(err)).toBe(false));
});

describe("an error as one log line", () => {
  it("says what a Prisma error says, not the blank line it starts with", async () => {
    const { errorLine } = await import("./errors");
    const prisma = new Error("\nInvalid `prisma.credential.findMany()` invocation:\n\n\nToo many bound parameters");
    expect(errorLine(prisma)).toBe("Invalid `prisma.credential.findMany()` invocation: Too many bound parameters");
    expect(errorLine(new Error("plain"))).toBe("plain");
    expect(errorLine("a string")).toBe("a string");
  });
});

describe("a failure blamed on the database only when the database said it", () => {
  it("Prisma's request errors and an unreachable database are; a query built wrong or a bug in this code is not", async () => {
    const { isDatabaseError } = await import("./errors");
    const named = (name: string, message = "x") => Object.assign(new Error(message), { name });
    expect(isDatabaseError(named("PrismaClientKnownRequestError"))).toBe(true);
    expect(isDatabaseError(named("DriverAdapterError"))).toBe(true);
    expect(isDatabaseError(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isDatabaseError(named("PrismaClientValidationError", "Unknown argument `nope`"))).toBe(false);
    expect(isDatabaseError(new TypeError("Cannot read properties of undefined"))).toBe(false);
  });
});
