import * as z from "zod/mini";
import { ROLES } from "@/lib/roles";
import { fetchJson, jsonBody } from "@/components/ui/fetch-json";

const signedIn = z.looseObject({ user: z.object({ username: z.string(), role: z.enum(ROLES) }) });

export const signIn = (username: string, password: string) => fetchJson("/api/auth/signin", signedIn, jsonBody("POST", { username, password }));

export const setUpFirstAdmin = (username: string, password: string) => fetchJson("/api/auth/setup", signedIn, jsonBody("POST", { username, password }));
