// @ts-check
// The security headers of every answer, one list for Next (next.config.js applies it to every
// route) and for the read plane (scripts/read-plane.ts, which answers some routes without Next).

/**
 * Next inlines its bootstrap scripts, so scripts need 'unsafe-inline' (no nonces: pages are not
 * rendered per request for that); everything else is locked to this origin.
 * @param {boolean} dev
 * @returns {{ key: string, value: string }[]}
 */
export function securityHeaders(dev) {
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  return [
    { key: "Content-Security-Policy", value: csp },
    { key: "X-Content-Type-Options", value: "nosniff" },
    { key: "X-Frame-Options", value: "DENY" },
    { key: "Referrer-Policy", value: "same-origin" },
    { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
    { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  ];
}
