import "server-only";

/**
 * Calls in flight by key: a caller asking for a key already being fetched joins that call instead of
 * making its own. A herd of concurrent requests for one thing (a cold credential, its app, the
 * API key they all carry) then makes one query per process, not one each through a pool of a few
 * connections. A joiner gets what the call in flight finds, at most one call's time old.
 */
export class SingleFlight<T> {
  private readonly flights = new Map<string, Promise<T>>();

  run(key: string, call: () => PromiseLike<T>): Promise<T> {
    let p = this.flights.get(key);
    if (!p) {
      p = Promise.resolve(call());
      const flight = p;
      this.flights.set(key, flight);
      const done = () => {
        if (this.flights.get(key) === flight) this.flights.delete(key);
      };
      flight.then(done, done);
    }
    return p;
  }

  /** Calls from now on start anew (something they read changed: a flight begun before must not be joined after). */
  forget(): void {
    this.flights.clear();
  }
}

/**
 * Calls by key that a caller shares only when they began after it asked: one running, and at most
 * one waiting for it to end, which every caller arriving meanwhile joins. A burst of callers makes at
 * most two calls, and each gets an answer read after it asked (what it was told had changed before
 * it asked is in it), where SingleFlight may hand it one begun before.
 */
export class FreshFlight<T> {
  private readonly running = new Map<string, Promise<T>>();
  private readonly waiting = new Map<string, Promise<T>>();

  run(key: string, call: () => PromiseLike<T>): Promise<T> {
    const waiting = this.waiting.get(key);
    if (waiting) return waiting;
    const running = this.running.get(key);
    if (!running) return this.start(key, call);
    const next = running
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        this.waiting.delete(key);
        return this.start(key, call);
      });
    this.waiting.set(key, next);
    return next;
  }

  private start(key: string, call: () => PromiseLike<T>): Promise<T> {
    const flight = Promise.resolve(call());
    this.running.set(key, flight);
    const done = () => {
      if (this.running.get(key) === flight) this.running.delete(key);
    };
    flight.then(done, done);
    return flight;
  }
}
