import { AckPolicy, DeliverPolicy, type ConsumerConfig, type ConsumerMessages, type JetStreamClient, type JetStreamManager } from "nats";
import type { Logger } from "../../logging/logger.js";
import { countDelivery, watchConsumerLag } from "../../metrics/eventlog-metrics.js";
import { SubjectDispatcher } from "../dispatcher.js";
import { dispatchOf, type Consumer, type ConsumerOptions, type DeadLetterSettings, type LogMessage, type Reply } from "../eventlog.js";
import { fromNatsHeaders, isNotFound } from "./headers-and-errors.js";

const ACK_WAIT_NS = 30_000_000_000;
const MAX_ACK_PENDING = 4096;

/**
 * A named durable JetStream consumer. At start it is re-created at its own ack floor, so
 * every message not yet acknowledged is delivered again at once and in stream order.
 * (JetStream would otherwise send new messages first and the pending ones only after
 * ack_wait, letting a later message of a subject overtake an earlier one.) This assumes
 * one running instance per durable name, which each component guarantees.
 */
export class JetStreamConsumer implements Consumer {
  private messages: ConsumerMessages | null = null;
  private loop: Promise<void> = Promise.resolve();
  private unwatchLag: () => void = () => {};
  private readonly dispatcher: SubjectDispatcher;

  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly prefix: string,
    private readonly options: ConsumerOptions,
    logger: Logger,
    deadLetters: DeadLetterSettings,
    reply: (answers: readonly Reply[]) => Promise<void>,
    private readonly onStop: () => void,
  ) {
    const dispatch = dispatchOf(options, { ...deadLetters, reply });
    this.dispatcher = new SubjectDispatcher(dispatch.handler, logger, dispatch.options);
  }

  async start(): Promise<void> {
    await this.dispatcher.start();
    const stream = this.prefix + this.options.stream;
    const durable = this.prefix + this.options.durable;
    let floor: number | null = null;
    let delivered = 0;
    try {
      const info = await this.jsm.consumers.info(stream, durable);
      floor = info.ack_floor.stream_seq;
      delivered = info.delivered.stream_seq;
      await this.jsm.consumers.delete(stream, durable);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const config: Partial<ConsumerConfig> = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      ack_wait: ACK_WAIT_NS,
      max_ack_pending: MAX_ACK_PENDING,
      filter_subject: this.options.filterSubject ? this.prefix + this.options.filterSubject : undefined,
      ...(floor === null
        ? { deliver_policy: DeliverPolicy.All }
        : { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: floor + 1 }),
    };
    await this.jsm.consumers.add(stream, config);
    const consumer = await this.js.consumers.get(stream, durable);
    this.messages = await consumer.consume({ max_messages: 512 });
    this.loop = this.run(delivered);
    // Asked of the server at scrape time: matching messages not yet delivered plus those
    // delivered and not acknowledged.
    this.unwatchLag = watchConsumerLag(this.options.stream, this.options.durable, async () => {
      const info = await this.jsm.consumers.info(stream, durable);
      return info.num_pending + info.num_ack_pending;
    });
  }

  async stop(): Promise<void> {
    this.unwatchLag();
    this.messages?.stop();
    await this.loop;
    await this.dispatcher.stop();
    this.onStop();
  }

  private async run(previouslyDelivered: number): Promise<void> {
    for await (const m of this.messages!) {
      await this.dispatcher.waitForRoom();
      const msg: LogMessage = {
        stream: this.options.stream,
        subject: m.subject.slice(this.prefix.length),
        seq: m.info.streamSequence,
        data: m.data,
        headers: fromNatsHeaders(m.headers),
        // Re-creating the consumer resets its delivery count; the previous incarnation's
        // delivered position says what it had already sent.
        redelivered: m.redelivered || m.info.streamSequence <= previouslyDelivered,
      };
      countDelivery(msg.stream, this.options.durable, msg.redelivered);
      this.dispatcher.push({ msg, ack: () => m.ack() });
    }
  }
}
