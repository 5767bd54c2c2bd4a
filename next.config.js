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
// The messages are compiled when the dashboard is built, so the browser gets no ICU message parser
// (about 10 kB gzip on every page) and formats them without parsing.
const withNextIntl = createNextIntlPlugin({
  requestConfig: "./i18n/request.ts",
  experimental: { messages: { path: "./i18n/messages", format: "json", locales: "infer", precompile: true } },
});

export default withNextIntl(nextConfig);
