import type { OutboxEntry } from "./outbox.js";
import type { RoomRecord } from "./rooms.js";

/**
 * What one unit of work (the transaction of an input batch) has learned or changed so far,
 * for later work in the same transaction: several inputs of a room applied in one
 * transaction see each other's effects, and writes that each input would repeat are
 * collected here and made once, just before the commit (UnitOfWork.beforeCommit). It is
 * created with the unit of work and dropped with it, so nothing leaks into the next batch;
 * each field is named and typed so that its users share no string keys and need no casts.
 */
export class BatchContext {
  /** Rooms as the transaction left them (created, or with a new edge), by room ID. */
  readonly rooms = new Map<string, RoomRecord>();
  /** The rooms whose edge changed, with their last values: their rows are written once at commit. */
  readonly changedRooms = new Map<string, RoomRecord>();
  /**
   * The batch's event IDs found not stored by its prefetch; undefined without a prefetch.
   * An ID is taken out once its event is processed.
   */
  absentEvents: Set<string> | undefined;
  /**
   * Event by template ID, for templates completed before or in this transaction;
   * undefined without a prefetch (then each lookup asks the database).
   */
  completedTemplates: Map<string, string> | undefined;
  /** Templates completed in this transaction: recorded once at commit. */
  readonly newCompletedTemplates = new Map<string, string>();
  /** Outputs to insert into the outbox at commit, in order. */
  readonly outboxEntries: Omit<OutboxEntry, "id">[] = [];
}
