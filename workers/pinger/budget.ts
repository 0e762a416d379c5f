// What one invocation may spend of external subrequests (counted, retries and redirects
// included). Simultaneous connections (at most 6 on every plan) are held by http/limiter.ts.

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
