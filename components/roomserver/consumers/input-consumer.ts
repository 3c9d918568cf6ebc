import type { Database } from "../../internal/database/database.js";
import { claimSequence } from "../../internal/eventlog/applied-sequences.js";
import type { Consumer, EventLog, LogMessage } from "../../internal/eventlog/eventlog.js";
import { STREAMS } from "../../internal/eventlog/streams.js";
import type { Logger } from "../../internal/logging/logger.js";
import {
  InputOutcome,
  InputRoomEvent,
  InputVerdict,
} from "../../../proto/gen/dendrite/roomserver/v1/input.js";
import { InvalidInput } from "../input/invalid-input.js";
import type { InputProcessor } from "../input/processor.js";
import type { OutboxPublisher } from "../output/outbox-publisher.js";
import { inTransaction } from "../storage/unit-of-work.js";

export const INPUT_CONSUMER = "roomserver-input";

/**
 * Consumes InputRoomEvent: one room's inputs one after another, rooms in parallel. Each
 * input is applied in one transaction that also claims its log sequence, so a redelivery
 * after a crash changes nothing; outputs are published after the commit, then the writer
 * waiting for it gets the verdict.
 */
export class InputConsumer {
  private consumer: Consumer | null = null;

  constructor(
    private readonly db: Database,
    private readonly log: EventLog,
    private readonly processor: InputProcessor,
    private readonly outbox: OutboxPublisher,
    private readonly logger: Logger,
    private readonly durable = INPUT_CONSUMER,
  ) {}

  async start(): Promise<void> {
    await this.outbox.flush(); // what a crash left between commit and publish
    this.consumer = await this.log.consume({
      stream: STREAMS.inputRoomEvent,
      durable: this.durable,
      handler: (msg) => this.handle(msg),
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = null;
  }

  private async handle(msg: LogMessage): Promise<void> {
    let input: InputRoomEvent;
    try {
      input = InputRoomEvent.decode(msg.data);
    } catch (err) {
      await this.answer(msg, invalid("", `input is not a valid InputRoomEvent: ${(err as Error).message}`));
      return;
    }
    let verdict: InputVerdict;
    try {
      verdict = await inTransaction(this.db, async (uow) => {
        if (!(await claimSequence(uow.q, this.durable, msg))) return null;
        return this.processor.process(uow, input);
      }).then((v) => v ?? this.alreadyApplied(input));
    } catch (err) {
      if (!(err instanceof InvalidInput)) throw err; // the log retries the input
      this.logger.info({ reason: err.message, seq: msg.seq }, "invalid input event");
      verdict = invalid("", err.message);
    }
    await this.outbox.flush();
    await this.answer(msg, verdict);
  }

  /** A redelivered input: its verdict is whatever is stored for it now. */
  private async alreadyApplied(input: InputRoomEvent): Promise<InputVerdict> {
    return inTransaction(this.db, (uow) => this.processor.process(uow, input)).catch((err: unknown) => {
      if (err instanceof InvalidInput) return invalid("", err.message);
      throw err;
    });
  }

  private async answer(msg: LogMessage, verdict: InputVerdict): Promise<void> {
    await this.log.reply(msg, InputVerdict.encode(verdict).finish());
  }
}

function invalid(eventId: string, reason: string): InputVerdict {
  return { eventId, outcome: InputOutcome.INPUT_OUTCOME_INVALID, softFailed: false, reason, alreadyKnown: false };
}
