import { appendBatch, appendBatches, EventBatch, Queryable, seal, SealedBatch } from './access-log';
import type { PartnerDisclosure } from './partner-disclosures';

interface Pending {
  sealed: SealedBatch;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * The read path's access-log writer: a group commit. Every request still waits until its own
 * events are committed before a byte of its response leaves (fail-closed, SPEC §6) — what
 * changes is that requests finishing while earlier appends are in flight share one statement
 * and one commit, instead of each paying a round trip, a plan and a WAL flush of its own.
 *
 * With fewer than `maxInFlight` appends running, a batch is sent at once: an idle server adds
 * no waiting. Under load the queue fills while the database works, and the next free slot takes
 * up to `maxGroup` batches at a time, so the number of log statements grows with the database's
 * speed, not with the request rate.
 *
 * A hand-written queue rather than DataLoader: DataLoader batches by event-loop tick, and
 * holding its batches until a slot is free would need the same in-flight bookkeeping plus a
 * detour around its synchronous scheduling; the queue below is that bookkeeping and no more.
 */
export class AccessLogWriter {
  private readonly queue: Pending[] = [];
  private inFlight = 0;

  constructor(
    private readonly db: Queryable,
    /** The log's HMAC key (writes append inside their own transaction with it). */
    readonly key: Buffer,
    private readonly limits = { maxInFlight: 2, maxGroup: 64 },
  ) {}

  /**
   * Resolves once `batch` is committed; rejects if it could not be. A partner's read commits
   * its disclosure records in the same statement as its events, so it is not grouped.
   */
  append(batch: EventBatch, disclosures: readonly PartnerDisclosure[] = []): Promise<void> {
    if (disclosures.length) return appendBatch(this.db, this.key, batch, disclosures);
    return new Promise((resolve, reject) => {
      // Sealed here, per request: a batch that cannot be sealed fails its own request only.
      this.queue.push({ sealed: seal(this.key, batch), resolve, reject });
      this.send();
    });
  }

  private send(): void {
    while (this.inFlight < this.limits.maxInFlight && this.queue.length) {
      const group = this.queue.splice(0, this.limits.maxGroup);
      this.inFlight += 1;
      void this.write(group).finally(() => {
        this.inFlight -= 1;
        this.send();
      });
    }
  }

  private async write(group: Pending[]): Promise<void> {
    try {
      await appendBatches(this.db, group.map((p) => p.sealed));
      for (const p of group) p.resolve();
    } catch (err) {
      // PostgreSQL refused the statement, so none of it was committed: one bad batch (or a
      // deadlock victim) must not cost the other requests their answer — each is tried alone.
      // Without an SQLSTATE (connection lost, timeout) the commit may have happened: retrying
      // could log events twice, so those requests fail closed as they are.
      const refused = typeof (err as { code?: unknown })?.code === 'string';
      if (group.length === 1 || !refused) {
        for (const p of group) p.reject(err);
        return;
      }
      await Promise.all(group.map((p) => appendBatches(this.db, [p.sealed]).then(p.resolve, p.reject)));
    }
  }
}
