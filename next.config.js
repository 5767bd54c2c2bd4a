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
const withNextIntl = createNextIntlPlugin("./i18n/request.ts");

export default withNextIntl(nextConfig);
