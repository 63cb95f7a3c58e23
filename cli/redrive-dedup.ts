/**
 * The MessageDeduplicationId of a message redriven (or replayed from the archive) into a FIFO queue.
 * A FIFO queue silently discards a message whose deduplication id it accepted in the last five
 * minutes, so a copy must never reuse an id a FIFO queue has already seen for this message.
 */
import { hash } from 'node:crypto';

/** What a received message says about where it has been. */
export interface RedriveSource {
  readonly messageId: string;
  /** Set when it was read from a FIFO queue: it was delivered under this id. */
  readonly deduplicationId?: string;
}

/**
 * A message read from a FIFO queue gets a fresh id derived from its message id and the id it carries:
 * never an id it was delivered under (a dead letter keeps the original on fauxqs, its message id on
 * AWS), and the same again when a run is repeated after a crash between send and delete, so that the
 * repeat is discarded. The copy's own new message id makes its next hop fresh as well.
 * A message read from a standard queue (the quarantine) has never been in a FIFO queue: it keeps the
 * receiver's id for its body (`dedupKey`), which only ever discards another delivery of the same alert.
 */
export function redriveDeduplicationId(source: RedriveSource, dedupKey: string | undefined): string | undefined {
  if (source.deduplicationId === undefined) return dedupKey;
  // 64 hex characters: within SQS's 128, and JSON keeps the two parts apart.
  return hash('sha256', JSON.stringify(['redrive', source.messageId, source.deduplicationId]), 'hex');
}

/**
 * A replayed alert's id in a FIFO queue: fresh for each replay run, so the five-minute window never
 * discards a replayed alert (its original, or an earlier replay, may have used the receiver's id
 * minutes ago); the same within a run, so a send the SDK repeats after a lost answer is discarded.
 */
export function replayDeduplicationId(runId: string, dedupKey: string): string {
  return hash('sha256', JSON.stringify(['replay', runId, dedupKey]), 'hex');
}
