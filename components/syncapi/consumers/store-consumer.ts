import type { Queryable } from "../../internal/database/database.js";
import { claimSequences } from "../../internal/eventlog/applied-sequences.js";
import type { Consumer, EventLog, LogMessage } from "../../internal/eventlog/eventlog.js";
import type { Logger } from "../../internal/logging/logger.js";
import type { SyncStream } from "../streams/positions.js";
import type { AfterCommit, StreamWriter } from "../streams/stream-writer.js";

export interface StoreConsumerDeps {
  readonly log: EventLog;
  readonly writer: StreamWriter;
  readonly logger: Logger;
}

export interface StoreConsumerSpec<T> {
  /** The log stream consumed. */
  readonly stream: string;
  readonly durable: string;
  /** The sync stream whose positions this consumer writes (its writers are serialised). */
  readonly syncStream: SyncStream;
  decode(data: Uint8Array): T;
  /**
   * Completes a decoded message before the transaction: asking another component (the
   * userapi) belongs here, since in the monolith PGlite's one connection is held by the
   * transaction. A failure is retried, as the handler's are.
   */
  prepare?(message: T): Promise<T>;
  /**
   * The one way a consumer writes the store: applies the batch's new messages (those whose
   * log sequences the transaction claimed), in order, in the batch's transaction. A consumer
   * whose messages each stand alone builds it with eachInOrder; the room events insert runs
   * of messages together.
   */
  apply(tx: Queryable, messages: readonly T[]): Promise<AfterCommit[]>;
}

/**
 * A durable consumer that applies a log into the sync store exactly once: each batch (of
 * several subjects, each in order) is applied in one transaction that also claims the
 * messages' log sequences, so a redelivery after a crash changes nothing. Sleepers are
 * woken after the commit, in the order of the commits (StreamWriter).
 */
export async function startStoreConsumer<T>(deps: StoreConsumerDeps, spec: StoreConsumerSpec<T>): Promise<Consumer> {
  const logger = deps.logger.child({ consumer: spec.durable });
  return deps.log.consume({
    stream: spec.stream,
    durable: spec.durable,
    maxBatch: 100,
    // The stream's writers take turns (StreamWriter), so what waits, of every room, goes in
    // one transaction: one commit and a handful of statements for many messages.
    groupSubjects: true,
    maxConcurrentSubjects: 2,
    batchHandler: async (msgs) => {
      const decoded = new Map<LogMessage, T>();
      for (const msg of msgs) {
        let message: T;
        try {
          message = spec.decode(msg.data);
        } catch (err) {
          // A malformed entry would otherwise block its subject for ever; it can never apply.
          logger.warn({ err, subject: msg.subject, seq: msg.seq }, "dropping an undecodable log message");
          continue;
        }
        decoded.set(msg, spec.prepare ? await spec.prepare(message) : message);
      }
      await deps.writer.write(spec.syncStream, async (tx) => {
        // This commit waits for the disk, unlike the log's acks: /sync hands out the positions
        // it assigns as soon as it commits, and a crash that lost it would hand them out again
        // to other events, which clients past them would never see.
        const fresh = (await claimSequences(tx, spec.durable, msgs)).flatMap((msg) => (decoded.has(msg) ? [decoded.get(msg)!] : []));
        return spec.apply(tx, fresh);
      });
    },
  });
}

/** The `apply` of a consumer whose messages each stand alone: one after another, in order. */
export function eachInOrder<T>(applyOne: (tx: Queryable, message: T) => Promise<AfterCommit[]>): StoreConsumerSpec<T>["apply"] {
  return async (tx, messages) => {
    const effects: AfterCommit[] = [];
    for (const message of messages) effects.push(...(await applyOne(tx, message)));
    return effects;
  };
}
