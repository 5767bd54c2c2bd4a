import type { Page } from "@playwright/test";

/**
 * Makes `page` a browser whose system clock is off by `skewMs`: every Date (and Date.now) reads
 * skewed from the first script on; timers and performance.now run normally.
 */
export async function skewBrowserClock(page: Page, skewMs: number): Promise<void> {
  await page.addInitScript((skew: number) => {
    const RealDate = Date;
    class SkewedDate extends RealDate {
      constructor(...args: unknown[]) {
        if (args.length === 0) super(RealDate.now() + skew);
        else super(...(args as [number]));
      }
      static now() {
        return RealDate.now() + skew;
      }
    }
    globalThis.Date = SkewedDate as DateConstructor;
  }, skewMs);
}
