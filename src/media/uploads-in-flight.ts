/**
 * Request bodies being received right now (spooled by the intake), so that
 * background image processing can yield to them: decoding and writing
 * renditions competes with a receive for the disk and the CPU, and a batch of
 * uploads finishes sooner when its first answers do not start rendering
 * while the rest still arrive (bench scenario 5).
 */
export class UploadsInFlight {
  private receiving = 0;
  private waiters: (() => void)[] = [];

  /** Bodies being received now. */
  get count(): number {
    return this.receiving;
  }

  /** Marks one body as being received; the returned function marks it done (spooled or failed), once. */
  begin(): () => void {
    this.receiving += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.receiving -= 1;
      if (this.receiving === 0) for (const wake of this.waiters.splice(0)) wake();
    };
  }

  /** Settles once no body is being received, or after `maxWaitMs`, or when `stop` settles, whichever is first. */
  async quiet(maxWaitMs: number, stop?: Promise<unknown>): Promise<void> {
    if (this.receiving === 0 || maxWaitMs <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    let wake!: () => void;
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, maxWaitMs);
    });
    this.waiters.push(wake);
    try {
      await Promise.race(stop ? [woken, stop] : [woken]);
    } finally {
      clearTimeout(timer);
      this.waiters = this.waiters.filter((w) => w !== wake);
    }
  }
}
