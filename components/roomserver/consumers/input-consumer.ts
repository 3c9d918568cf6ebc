import type { Database } from "../../internal/database/database.js";
import { AppliedSequencesMemory } from "../../internal/eventlog/applied-sequences.js";
import type { Consumer, EventLog, LogMessage } from "../../internal/eventlog/eventlog.js";
import { STREAMS } from "../../internal/eventlog/streams.js";
import type { Logger } from "../../internal/logging/logger.js";
import type { InputRoomEvent, InputVerdict } from "../api/input.js";
import { decodeInputRoomEvent, encodeInputVerdict } from "../codecs/input-room-event.js";
import type { ProtocolEvent } from "../../protocol/index.js";
import { InvalidInput } from "../input/invalid-input.js";
import type { InputProcessor } from "../input/processor.js";
import type { TemplateInputs } from "../input/template-inputs.js";
import type { OutboxPublisher } from "../producers/outbox-publisher.js";
import { inTransaction, type UnitOfWork } from "../storage/unit-of-work.js";

export const INPUT_CONSUMER = "roomserver-input";

/** Inputs applied in one transaction at most (of one room or several). */
const MAX_BATCH = 200;
/**
 * Transactions applying inputs at once. Rooms waiting together share one transaction (one
 * commit, a handful of statements), so the fewer run at once, the more each carries: on
 * this 2-core machine 2 sent 50 clients' messages fastest (4 gave smaller batches and more
 * round trips per event; 1 let one slow room hold up the others).
 */
const CONCURRENT_BATCHES = 2;

/**
 * Consumes InputRoomEvent: one room's inputs one after another, rooms in parallel. Inputs
 * are applied in a transaction that also records their log sequences, so a redelivery after
 * a crash changes nothing; outputs are published after the commit, then the writers
 * waiting get their verdicts.
 */
export class InputConsumer {
  private consumer: Consumer | null = null;
  /** The log sequences this consumer recorded, so a batch of known rooms reads none before its commit. */
  private readonly applied: AppliedSequencesMemory;

  constructor(
    private readonly db: Database,
    private readonly log: EventLog,
    private readonly processor: InputProcessor,
    private readonly templates: TemplateInputs,
    private readonly outbox: OutboxPublisher,
    private readonly logger: Logger,
    private readonly durable = INPUT_CONSUMER,
  ) {
    this.applied = new AppliedSequencesMemory(durable);
  }

  async start(): Promise<void> {
    await this.outbox.recover(); // what a crash left between commit and publish
    this.consumer = await this.log.consume({
      stream: STREAMS.inputRoomEvent,
      durable: this.durable,
      batchHandler: (msgs) => this.handle(msgs),
      maxBatch: MAX_BATCH,
      groupSubjects: true,
      maxConcurrentSubjects: CONCURRENT_BATCHES,
      // An input the roomserver cannot store, however often it tries, is refused: its writer
      // hears why instead of waiting, and the room's later inputs go on (internal/eventlog).
      // The database's own words stay in the log and the dead-letter table.
      rejectionOf: () => encodeInputVerdict(invalid("the roomserver could not store this event; it was set aside as a dead letter")),
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = null;
    await this.outbox.close();
  }

  /**
   * Applies the waiting inputs, of one room or several (each room's in order), in one
   * transaction (one commit, one disk sync for all of them), then publishes their outputs
   * and answers each writer.
   */
  private async handle(msgs: readonly LogMessage[]): Promise<void> {
    const prepared = await Promise.all(msgs.map((msg) => this.prepare(msg)));
    // The batch's reads go out together, before its transaction: which inputs are new (their
    // sequences are recorded with the batch's writes, in its one commit statement), which
    // events are stored, which templates were completed.
    const reads = Promise.all([
      this.applied.read(this.db, msgs),
      this.processor.prefetch(
        this.db,
        prepared.flatMap((p) => ("event" in p ? [p.event] : [])),
      ),
      this.templates.prefetch(
        this.db,
        prepared.flatMap((p) => ("template" in p ? [p.input] : [])),
      ),
    ]);
    reads.catch(() => {}); // awaited below; a failure before then must not go unhandled
    let failed = () => {};
    const verdicts = await inTransaction(this.db, async (uow) => {
      const [applied, ...lookups] = await reads;
      failed = applied.failed;
      uow.afterCommit(applied.committed);
      for (const remember of lookups) remember(uow);
      applied.writes.forEach((write, i) => uow.beforeCommit(`applied sequences ${i}`, () => write));
      const fresh = new Set(applied.fresh);
      const out: InputVerdict[] = [];
      for (const [i, msg] of msgs.entries()) {
        const p = prepared[i]!;
        if ("verdict" in p) out.push(p.verdict);
        else if ("template" in p) {
          if (!fresh.has(msg)) out.push((await this.templates.verdictOfApplied(uow, p.input)) ?? handledBefore());
          else out.push(await this.apply(msg, () => this.templates.apply(uow, p.input)));
        } else if (!fresh.has(msg)) out.push(await this.alreadyApplied(uow, p.event));
        else out.push(await this.apply(msg, () => this.processor.process(uow, p.input, p.event)));
      }
      return out;
    }).catch((err: unknown) => {
      failed(); // the sequences it meant to record are not known for sure: read them again
      throw err;
    });
    // The outputs are durable in the outbox already: the writers need not wait for their
    // publication, and a failed publish stays queued for the next flush.
    void this.outbox.flush().catch((err: unknown) => this.logger.warn({ err }, "publishing outputs failed; will retry"));
    await this.log.reply(msgs.map((msg, i) => ({ msg, data: encodeInputVerdict(verdicts[i]!) })));
  }

  /**
   * Decodes and checks an input outside the transaction; an invalid one has its verdict
   * already. A template is completed in the transaction, where the room's edge is known.
   */
  private async prepare(msg: LogMessage): Promise<Prepared> {
    const input = decodeInputRoomEvent(msg.data);
    if (input === null) return { verdict: invalid("input is not a valid InputRoomEvent") };
    if (input.template) {
      if (input.kind !== "new") return { verdict: invalid("a template can only be a new event") };
      return { input, template: true };
    }
    try {
      return { input, event: await this.processor.prepare(input) };
    } catch (err) {
      if (!(err instanceof InvalidInput)) throw err;
      this.logger.info({ reason: err.message, seq: msg.seq }, "invalid input event");
      return { verdict: invalid(err.message) };
    }
  }

  private async apply(msg: LogMessage, work: () => Promise<InputVerdict>): Promise<InputVerdict> {
    try {
      return await work();
    } catch (err) {
      if (!(err instanceof InvalidInput)) throw err; // the whole batch is retried
      this.logger.info({ reason: err.message, seq: msg.seq }, "invalid input event");
      return invalid(err.message);
    }
  }

  /** A redelivered input, applied before a crash: its verdict is what is stored for it. */
  private async alreadyApplied(uow: UnitOfWork, event: ProtocolEvent): Promise<InputVerdict> {
    return (await this.processor.verdictOfStored(uow.q, event.eventId)) ?? handledBefore();
  }
}

type Prepared = { input: InputRoomEvent; event: ProtocolEvent } | { input: InputRoomEvent; template: true } | { verdict: InputVerdict };

const handledBefore = () => invalid("this input was handled before and found invalid");

function invalid(reason: string): InputVerdict {
  return { eventId: "", outcome: "invalid", softFailed: false, reason, alreadyKnown: false };
}
