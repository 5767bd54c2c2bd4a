// @ts-check
/** @type {import('next').NextConfig} */
const nextConfig = {
  // The start script and the e2e tests run the production server; keep its output apart
  // from `next dev` so both can exist in one working tree.
  poweredByHeader: false,
  reactStrictMode: true,
  typedRoutes: false,
};

export default nextConfig;
