import "server-only";
import { cookies } from "next/headers";
import { SESSION_COOKIE } from "@/lib/roles";
import { sessionFromToken, type SessionUser } from "../auth/session";

/** The signed-in user of the page being rendered, or null. */
export async function currentUser(): Promise<SessionUser | null> {
  return sessionFromToken((await cookies()).get(SESSION_COOKIE)?.value);
}
