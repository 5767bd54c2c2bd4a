import { NextResponse, type NextRequest } from "next/server";
import { REQUESTED_PATH_HEADER } from "@/lib/requested-path";

/**
 * Hands the dashboard layout the path that was asked for, so a signed-out visitor who opened a deep
 * link (a credential page shared in an incident channel) comes back to it after signing in instead
 * of landing on the overview. Server components cannot read the URL themselves; this header is
 * always overwritten here, and the sign-in page accepts only same-site paths as `next`.
 */
export function proxy(request: NextRequest) {
  const headers = new Headers(request.headers);
  headers.set(REQUESTED_PATH_HEADER, request.nextUrl.pathname + request.nextUrl.search);
  return NextResponse.next({ request: { headers } });
}

// Pages only: API routes, Next's assets and the sign-in page itself never need it.
export const config = { matcher: ["/((?!api/|_next/|signin|favicon).*)"] };
