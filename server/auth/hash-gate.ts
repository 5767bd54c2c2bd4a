import "server-only";
import { AppError } from "../errors";

/** Thrown when the queue for scrypt work is full: the HTTP layer answers 503 with Retry-After. */
export class HashingBusyError extends AppError {
  constructor(retryAfterSeconds: number) {
    super("unavailable", "Busy checking passwords", `too many passwords are being checked at once; try again in ${retryAfterSeconds} s`, {
      field: "password",
      retryAfterSeconds,
    });
    this.name = "HashingBusyError";
  }
}

/**
 * A semaphore with a bounded queue. scrypt takes ~100 ms and 32 MiB per call, and runs on libuv's
 * thread pool (4 threads) that file and DNS work share: without a cap, a flood of sign-ins with
 * random usernames queues unbounded work and a real sign-in waits behind all of it. With the cap,
 * at most `concurrency` hashes run, at most `queueLimit` wait, and anything more is refused at once.
 */
export class HashGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly concurrency: number,
    readonly queueLimit: number,
    /** What a refused caller is told to wait: about the time to drain a full queue. */
    readonly retryAfterSeconds = 1,
  ) {}

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queueLimit) throw new HashingBusyError(this.retryAfterSeconds);
      // The slot is handed over by release(), so `running` never drops while others wait.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private release() {
    const next = this.waiting.shift();
    if (next) next();
    else this.running -= 1;
  }
}
