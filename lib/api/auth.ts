import { z } from "zod/mini";
import { ROLES } from "@/lib/roles";
import { fetchJson } from "./fetch-json";

const signedIn = z.looseObject({ user: z.object({ username: z.string(), role: z.enum(ROLES) }) });

export function signIn(username: string, password: string) {
  return fetchJson("/api/auth/signin", signedIn, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password }) });
}

export function setUpFirstAdmin(username: string, password: string) {
  return fetchJson("/api/auth/setup", signedIn, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password }) });
}

export { signOut } from "./sign-out";
