// What a vendor route of the sandbox receives and answers. Its own module so that the vendor files
// (wechat.ts, feishu.ts, …) and server.ts, which routes to them, both import it without importing each other.
import type http from "node:http";
import type { SandboxState } from "./state";

export type Request = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** A JSON object or form fields; undefined for anything else. */
  body: Record<string, unknown> | undefined;
};
export type Reply = { status: number; body: unknown; headers?: Record<string, string> };
export type Handler = (state: SandboxState, req: Request) => Reply | Promise<Reply>;
