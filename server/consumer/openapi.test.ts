import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { GET } from "@/app/api/v1/openapi.json/route";
import { openApiDocument } from "./openapi";

const METHODS = ["get", "put", "post", "delete", "patch", "options", "head", "trace"] as const;
const apiRoot = fileURLToPath(new URL("../../app/api/v1", import.meta.url));

/** A plain JSON copy of the document, to walk without the `as const` types. */
const doc = JSON.parse(JSON.stringify(openApiDocument)) as Record<string, unknown> & { paths: Record<string, Record<string, unknown>> };

function operations(): { path: string; method: string; op: { responses?: Record<string, unknown> } }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => m in item).map((method) => ({ path, method, op: item[method] as { responses?: Record<string, unknown> } })),
  );
}

function refsIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const v of node) refsIn(v, out);
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string") out.push(v);
      else refsIn(v, out);
    }
  }
  return out;
}

function resolvePointer(ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (!node || typeof node !== "object" || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** `app/api/v1/**\/route.ts` as OpenAPI paths, with the HTTP methods each file exports. */
function routeFiles(): Map<string, string[]> {
  const routes = new Map<string, string[]>();
  for (const entry of readdirSync(apiRoot, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name !== "route.ts") continue;
    const dir = relative(apiRoot, entry.parentPath);
    const segments = dir.split(sep).map((s) => s.replace(/^\[(.+)\]$/, "{$1}"));
    const source = readFileSync(join(entry.parentPath, entry.name), "utf8");
    const methods = [...source.matchAll(/export\s+(?:async\s+)?function\s+(GET|PUT|POST|DELETE|PATCH|OPTIONS|HEAD)\b/g)].map((m) => m[1]!.toLowerCase());
    routes.set(`/api/v1/${segments.join("/")}`, methods.sort());
  }
  return routes;
}

describe("consumer OpenAPI document", () => {
  it("is plain JSON and declares OpenAPI 3.1.0", () => {
    expect(doc).toEqual(openApiDocument);
    expect(doc.openapi).toBe("3.1.0");
    expect(openApiDocument.info.title).toBe("Ticket Hub consumer API");
    expect(openApiDocument.servers).toEqual([{ url: "/" }]);
    expect(Object.keys(openApiDocument.components.schemas).sort()).toEqual(
      expect.arrayContaining(["Credential", "JsSdkSignature", "Problem", "SignatureRequest"]),
    );
  });

  it("has only paths under /api/v1/", () => {
    const paths = Object.keys(doc.paths);
    expect(paths.length).toBeGreaterThan(0);
    for (const p of paths) expect(p).toMatch(/^\/api\/v1\//);
  });

  it("resolves every $ref inside the document", () => {
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(0);
    const broken = refs.filter((r) => resolvePointer(r) === undefined);
    expect(broken).toEqual([]);
  });

  it("gives every operation a 401 response, except the document itself", () => {
    for (const { path, method, op } of operations()) {
      if (path === "/api/v1/openapi.json") {
        expect(op.responses?.["401"], `${method} ${path}`).toBeUndefined();
        continue;
      }
      expect(op.responses?.["401"], `${method.toUpperCase()} ${path}`).toBeDefined();
    }
  });

  it("declares every path parameter of each path", () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const method of METHODS.filter((m) => m in item)) {
        const params = ((item[method] as { parameters?: unknown[] }).parameters ?? []).map((p) => {
          const resolved = (p && typeof p === "object" && "$ref" in p ? resolvePointer(String(p.$ref)) : p) as { name: string; in: string };
          return resolved;
        });
        const inPath = params.filter((p) => p.in === "path").map((p) => p.name);
        expect(inPath.sort(), `${method} ${path}`).toEqual([...names].sort());
      }
    }
  });

  it("documents exactly the routes under app/api/v1, with their methods", () => {
    const routes = routeFiles();
    expect([...routes.keys()].sort()).toEqual(Object.keys(doc.paths).sort());
    for (const [path, methods] of routes) {
      const item = doc.paths[path]!;
      expect(METHODS.filter((m) => m in item).sort(), path).toEqual(methods);
    }
  });

  it("is served by GET /api/v1/openapi.json", async () => {
    const res = GET();
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=300");
    expect(await res.json()).toEqual(doc);
  });
});
