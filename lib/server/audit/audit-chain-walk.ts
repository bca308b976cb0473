// One walk over the audit chain in ascending order, fed event by event, shared by the in-process check
// (rows from the database) and `signet audit verify --url` (events from the API). With a saved
// checkpoint it also proves that today's chain extends it: the event at the checkpoint's seq still has
// the checkpoint's hash (an edit that recomputed every later hash changes it), and the chain reaches at
// least that far (deleting the newest events shortens it below the checkpoint).
import { auditHash, GENESIS_HASH, type AuditRecord } from "./audit-hash";

export type AuditChainReport = {
  valid: boolean;
  events: number;
  brokenAt?: string;
  problem?: string;
  /** The last event verified: the head the chain has now. */
  head?: { seq: string; hash: string };
  /** Set when a checkpoint was given: whether the chain extends it. */
  checkpoint?: { seq: string; headHash: string; extended: boolean };
};

type ChainEvent = AuditRecord & { hash: string };

export class AuditChainWalk {
  private prevHash = GENESIS_HASH;
  private expectedSeq = 1n;
  private count = 0;
  private failure?: { brokenAt: string; problem: string };
  private checkpointSeen = false;

  constructor(private readonly checkpoint?: { seq: bigint; headHash: string }) {}

  /** The next sequence number the walk expects (where to read from next). */
  get nextSeq(): bigint {
    return this.expectedSeq;
  }

  get broken(): boolean {
    return this.failure !== undefined;
  }

  /** Feeds one event; returns false once the chain is broken (stop reading). */
  push(event: ChainEvent): boolean {
    if (this.failure) return false;
    const fail = (brokenAt: bigint, problem: string) => {
      this.failure = { brokenAt: brokenAt.toString(), problem };
      return false;
    };
    if (event.seq !== this.expectedSeq) return fail(this.expectedSeq, "event missing from the chain");
    if (event.prevHash !== this.prevHash) return fail(event.seq, "previous hash does not match");
    if (auditHash(event) !== event.hash) return fail(event.seq, "event content was altered");
    if (this.checkpoint && event.seq === this.checkpoint.seq) {
      if (event.hash !== this.checkpoint.headHash) {
        return fail(event.seq, "the event at the checkpoint's seq has another hash than the checkpoint: history up to it was rewritten");
      }
      this.checkpointSeen = true;
    }
    this.prevHash = event.hash;
    this.expectedSeq += 1n;
    this.count += 1;
    return true;
  }

  finish(): AuditChainReport {
    const head = this.count ? { seq: (this.expectedSeq - 1n).toString(), hash: this.prevHash } : undefined;
    const cp = this.checkpoint;
    const checkpoint = cp ? { seq: cp.seq.toString(), headHash: cp.headHash, extended: !this.failure && this.checkpointSeen } : undefined;
    if (this.failure) return { valid: false, events: this.count, ...this.failure, head, checkpoint };
    if (cp && !this.checkpointSeen) {
      return {
        valid: false,
        events: this.count,
        brokenAt: (this.expectedSeq).toString(),
        problem: `the chain ends at event ${this.expectedSeq - 1n}, before the checkpoint's event ${cp.seq}: the newest events were deleted`,
        head,
        checkpoint,
      };
    }
    return { valid: true, events: this.count, head, checkpoint };
  }
}
