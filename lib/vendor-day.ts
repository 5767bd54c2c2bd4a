/**
 * The vendors' day: WeChat, Feishu, Tencent Cloud and yzb count daily quotas on China
 * Standard Time (UTC+8, no daylight saving), so a quota resets at 16:00 UTC.
 */
const CST_OFFSET_MS = 8 * 3_600_000;

/** "YYYY-MM-DD" of the vendors' day that `at` falls in. */
export function vendorDay(at: Date): string {
  return new Date(at.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/** When the vendors' day of `at` began (00:00 UTC+8). */
export function vendorDayStart(at: Date): Date {
  return new Date(Date.parse(`${vendorDay(at)}T00:00:00Z`) - CST_OFFSET_MS);
}

/** When the next vendors' day begins: the moment daily quotas reset. */
export function nextVendorDayStart(at: Date): Date {
  return new Date(vendorDayStart(at).getTime() + 86_400_000);
}
