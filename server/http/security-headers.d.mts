/** The security headers of every answer (security-headers.mjs). */
export function securityHeaders(dev: boolean): { key: string; value: string }[];
