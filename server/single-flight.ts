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
