import type { Database, Queryable } from "../../internal/database/database.js";
import type { SyncStream } from "../api/positions.js";
import type { Notifier } from "../notifier.js";
import { streamLock } from "../storage/positions.js";

/** What to do once the transaction committed (never before: a woken sync must find the rows). */
export type AfterCommit = (notifier: Notifier) => void;

/**
 * Hands out turns in the order they are taken and lets each holder go only when every
 * earlier turn has finished (or was given up).
 */
class Turns {
  private taken = 0;
  private current = 0;
  private readonly finished = new Set<number>();
  private readonly waiting = new Map<number, () => void>();

  take(): number {
    return this.taken++;
  }

  async wait(turn: number): Promise<void> {
    if (turn !== this.current) await new Promise<void>((resolve) => this.waiting.set(turn, resolve));
  }

  finish(turn: number): void {
    this.finished.add(turn);
    while (this.finished.delete(this.current)) this.current++;
    const next = this.waiting.get(this.current);
    this.waiting.delete(this.current);
    next?.();
  }
}

/**
 * The one way to write a sync stream. The transaction holds the stream's lock, so its
 * positions commit in order; what follows each commit (the notifier's positions and wakes,
 * the store's memory) then runs in that same order, even when PostgreSQL's answers to two
 * commits reach us the other way round: a sync must never see a later position before an
 * earlier one is known.
 */
export class StreamWriter {
  private readonly turns = new Map<SyncStream, Turns>();

  constructor(
    private readonly db: Database,
    private readonly notifier: Notifier,
  ) {}

  async write(stream: SyncStream, work: (tx: Queryable) => Promise<AfterCommit[]>): Promise<void> {
    let turns = this.turns.get(stream);
    if (!turns) this.turns.set(stream, (turns = new Turns()));
    let turn: number | null = null;
    let after: AfterCommit[];
    try {
      after = await this.db.transaction(
        async (tx) => {
          // Taken under the stream's lock: the order of turns is the order of commits.
          turn = turns.take();
          return work(tx);
        },
        { advisoryLock: streamLock(stream) },
      );
    } catch (err) {
      if (turn !== null) turns.finish(turn); // rolled back: nothing to tell
      throw err;
    }
    await turns.wait(turn!);
    try {
      for (const effect of after) effect(this.notifier);
    } finally {
      turns.finish(turn!);
    }
  }
}
