// Simultaneous outgoing connections: at most 6 per invocation on every plan. The pinger's
// shards and the alerts outbox both send through a Limiter.

/** A FIFO semaphore: at most `max` callers inside at once; `maxSeen` records the peak. */
export class Limiter {
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  maxSeen = 0;

  constructor(readonly max: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.inFlight < this.max) this.inFlight += 1;
    // The slot is handed over by release(), so inFlight never drops below the real count.
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.maxSeen = Math.max(this.maxSeen, this.inFlight);
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next !== undefined) next();
      else this.inFlight -= 1;
    }
  }
}
