/** A request's timing in the browser's clock (ms), which with the server's time in its answer is one sample of that clock. */
export type ClockSample = { sentAt: number; receivedAt: number };

/**
 * Estimates the server's clock from (sent, server time, received) samples the way NTP does:
 * the sample with the shortest round trip has the smallest error, so the estimate follows
 * it rather than the latest poll. Countdowns then tick steadily instead of jumping a second
 * whenever one response is slow.
 */
export class ServerClock {
  private samples: { offsetMs: number; rttMs: number; at: number; server: number }[] = [];
  /** The offset given out last (null: none yet). */
  private held: number | null = null;

  constructor(private readonly keep = 10) {}

  /** Record one request; returns the current best offset (server time − browser time, ms). */
  observe(serverTime: string, sentAt: number, receivedAt: number): number {
    const server = Date.parse(serverTime);
    // A request's sample seen again (a read shared with other tabs is observed where it was made and
    // where it is used; an answer kept for a while serves this tab again): counted once.
    const again = this.samples.some((s) => s.at === sentAt && s.server === server && s.rttMs === receivedAt - sentAt);
    if (Number.isFinite(server) && receivedAt >= sentAt && !again) {
      this.samples.push({ offsetMs: server - (sentAt + receivedAt) / 2, rttMs: receivedAt - sentAt, at: sentAt, server });
      if (this.samples.length > this.keep) this.samples.shift();
    }
    return this.offsetMs;
  }

  /**
   * The best sample's offset; or the one given out last while that is still within the best
   * sample's error (half its round trip): a new sample that says nothing new does not move it by a
   * millisecond. Each new offset draws every row and countdown of a page again, in every open tab,
   * and on a fast network every answer was a new best by a millisecond or two.
   */
  get offsetMs(): number {
    let best: { offsetMs: number; rttMs: number } | undefined;
    for (const s of this.samples) if (!best || s.rttMs <= best.rttMs) best = s;
    if (!best) return 0;
    if (this.held === null || Math.abs(this.held - best.offsetMs) > best.rttMs / 2) this.held = best.offsetMs;
    return this.held;
  }
}

/** The browser's one estimate, fed by every API answer that carries `serverTime`. */
export const serverClock = new ServerClock();
