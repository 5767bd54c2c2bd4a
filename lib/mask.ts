/** Masks a token or ticket for display: enough to tell two values apart, not enough to use one. */
export function maskValue(value: string): string {
  if (value.length < 16) return "•".repeat(Math.max(4, value.length));
  return `${value.slice(0, 4)}••••••${value.slice(-4)}`;
}
