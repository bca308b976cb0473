// What anonymous uploads may hold at once in this process. Rate limits count requests per window;
// they do not stop three clients from each streaming a maximum-size archive to disk at the same
// time. Anonymous verification therefore takes a lease on a fixed budget: a slot (concurrency) and
// the bytes it may write to tmp/, reserved from Content-Length up front, or charged as a chunked
// body arrives. The lease ends when the temporary file is gone. Over budget → 503 with Retry-After.
import { AppError } from "../errors";

export type UploadLease = {
  /** Counts bytes about to be written; throws 503 once the budget would be exceeded. */
  charge(bytes: number): void;
  release(): void;
};

export class UploadBudget {
  private slots = 0;
  private bytes = 0;

  constructor(
    readonly name: string,
    readonly maxConcurrent: number,
    readonly maxBytes: number,
    private readonly retryAfterSeconds = 10,
  ) {}

  get inFlight(): { uploads: number; bytes: number } {
    return { uploads: this.slots, bytes: this.bytes };
  }

  private busy(what: string): AppError {
    return new AppError("unavailable", `Too many ${this.name} uploads in progress (${what}); try again in ${this.retryAfterSeconds} s`, { retryAfter: this.retryAfterSeconds });
  }

  acquire(declaredBytes?: number): UploadLease {
    if (this.slots >= this.maxConcurrent) throw this.busy(`${this.maxConcurrent} at once`);
    const reserved = declaredBytes !== undefined && Number.isFinite(declaredBytes) && declaredBytes > 0 ? declaredBytes : 0;
    if (this.bytes + reserved > this.maxBytes) throw this.busy(`${this.maxBytes} bytes in flight`);
    this.slots += 1;
    this.bytes += reserved;
    let held = reserved;
    let used = 0;
    let released = false;
    return {
      charge: (n: number) => {
        if (released) return;
        used += n;
        if (used <= held) return;
        // Past what was declared (or nothing was): take more as it arrives.
        const more = used - held;
        if (this.bytes + more > this.maxBytes) throw this.busy(`${this.maxBytes} bytes in flight`);
        this.bytes += more;
        held += more;
      },
      release: () => {
        if (released) return;
        released = true;
        this.slots -= 1;
        this.bytes -= held;
      },
    };
  }
}

/**
 * POST /api/v1/verify, per process. Each upload may be up to MAX_UPLOAD_BYTES (256 MiB: a store must
 * verify any archive it signs); together they never hold more than 512 MiB of tmp/ per process.
 */
export const ANONYMOUS_VERIFY_BUDGET = new UploadBudget("verification", 4, 512 * 1024 * 1024);
