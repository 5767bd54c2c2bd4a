// @ts-check
import createNextIntlPlugin from "next-intl/plugin";
import { securityHeaders } from "./server/http/security-headers.mjs";

const dev = process.env.NODE_ENV !== "production";

/** @type {import('next').NextConfig} */
const nextConfig = {
  // The start script and the e2e tests run the production server; keep its output apart
  // from `next dev` so both can exist in one working tree.
  poweredByHeader: false,
  reactStrictMode: true,
  typedRoutes: false,
  async headers() {
    return [
      {
        source: "/:path*",
        headers: securityHeaders(dev),
      },
    ];
  },
};

// next-intl finds its per-request configuration (locale from the cookie or Accept-Language, messages) here.
// Messages are not precompiled (`experimental.messages.precompile` would save ~9 kB gzip of ICU parser
// in the browser): the server-composed sentences (components/ui/sentence.tsx, server/tickets/sentences.ts)
// read their templates' text, which precompiled messages no longer have.
const withNextIntl = createNextIntlPlugin("./i18n/request.ts");

export default withNextIntl(nextConfig);
