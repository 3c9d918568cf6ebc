/**
 * Runs one piece of work per key at a time: a caller arriving while the work for its key is
 * in progress gets that work's result instead of starting it again. This is what keeps two
 * concurrent retries of one client transaction from both sending.
 */
export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  run(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key);
    if (running) return running;
    const started = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }
}
