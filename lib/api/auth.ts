import { z } from "zod";
import { roleSchema } from "@/lib/user-input";
import { fetchJson } from "./fetch-json";

const signedIn = z.object({ user: z.object({ username: z.string(), role: roleSchema }) }).passthrough();

export function signIn(username: string, password: string) {
  return fetchJson("/api/auth/signin", signedIn, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password }) });
}

export function setUpFirstAdmin(username: string, password: string) {
  return fetchJson("/api/auth/setup", signedIn, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password }) });
}

export async function signOut(): Promise<void> {
  await fetchJson("/api/auth/signout", z.unknown(), { method: "POST" });
}
