import "server-only";
import { cookies } from "next/headers";
import { cache } from "react";
import { SESSION_COOKIE } from "@/lib/roles";
import { sessionFromToken, type SessionUser } from "../auth/session";

/**
 * The signed-in user of the page being rendered, or null: read once per page render (React's
 * `cache`), however many of its parts ask (the dashboard layout, the page, a prefetching wrapper).
 */
export const currentUser = cache(async (): Promise<SessionUser | null> => sessionFromToken((await cookies()).get(SESSION_COOKIE)?.value));
