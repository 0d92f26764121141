/**
 * Counting semaphore with FIFO waiters and an optional acquire timeout.
 *
 * acquire() resolves once a permit is available; callers MUST call release()
 * exactly once per successful acquire.
 */
export class Semaphore {
  private available: number;
  private readonly waiters: Array<{
    resolve: () => void;
    reject: (err: Error) => void;
    timer?: NodeJS.Timeout;
  }> = [];
  private acquisitions = 0;
  private releases = 0;
  private exhaustionEvents = 0;

  constructor(
    public readonly name: string,
    public readonly capacity: number,
  ) {
    if (!Number.isInteger(capacity) || capacity <= 0) {
      throw new Error(`Semaphore ${name}: capacity must be a positive integer, got ${capacity}`);
    }
    this.available = capacity;
  }

  tryAcquire(): boolean {
    if (this.available > 0) {
      this.available -= 1;
      this.acquisitions += 1;
      return true;
    }
    this.exhaustionEvents += 1;
    return false;
  }

  acquire(timeoutMs?: number): Promise<void> {
    if (this.tryAcquire()) return Promise.resolve();

    return new Promise<void>((resolve, reject) => {
      const waiter: (typeof this.waiters)[number] = { resolve, reject };
      if (timeoutMs !== undefined && timeoutMs > 0) {
        waiter.timer = setTimeout(() => {
          const idx = this.waiters.indexOf(waiter);
          if (idx >= 0) this.waiters.splice(idx, 1);
          reject(new Error(`Semaphore ${this.name}: acquire timed out after ${timeoutMs}ms`));
        }, timeoutMs);
      }
      this.waiters.push(waiter);
    });
  }

  release(): void {
    const next = this.waiters.shift();
    this.releases += 1;
    if (next) {
      if (next.timer) clearTimeout(next.timer);
      this.acquisitions += 1;
      next.resolve();
      return;
    }
    if (this.available >= this.capacity) {
      throw new Error(`Semaphore ${this.name}: release() without matching acquire()`);
    }
    this.available += 1;
  }

  async withPermit<T>(fn: () => Promise<T>, timeoutMs?: number): Promise<T> {
    await this.acquire(timeoutMs);
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  snapshot() {
    return {
      name: this.name,
      capacity: this.capacity,
      available: this.available,
      inUse: this.capacity - this.available,
      queued: this.waiters.length,
      acquisitions: this.acquisitions,
      releases: this.releases,
      exhaustionEvents: this.exhaustionEvents,
    };
  }
}
