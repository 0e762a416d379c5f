// What one invocation may spend: external subrequests (counted, retries and redirects
// included) and simultaneous connections (at most 6 on every plan).

/**
 * External subrequests left to this invocation. First attempts are reserved up front, so
 * retries of the first Spaces that fail can never leave a later Space unchecked.
 */
export class SubrequestBudget {
  private reserved = 0;
  spent = 0;

  constructor(private remaining: number) {}

  /** Hold one subrequest for each of n first attempts (as many as there are). */
  reserve(n: number): void {
    this.reserved = Math.min(this.remaining, this.reserved + n);
  }

  /** A first attempt: uses its reservation, or the spare budget when there is none. */
  takeReserved(): boolean {
    if (this.reserved > 0) {
      this.reserved -= 1;
      return this.spend();
    }
    return this.take();
  }

  /** A retry, a redirect hop or an HF API call: only from what no first attempt holds. */
  take(): boolean {
    if (this.remaining - this.reserved <= 0) return false;
    return this.spend();
  }

  get spare(): number {
    return this.remaining - this.reserved;
  }

  private spend(): boolean {
    this.remaining -= 1;
    this.spent += 1;
    return true;
  }
}

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
