import { PerformFailure } from "../api/perform-failure.js";
import type { InputRoomEvent, InputVerdict } from "../api/input.js";
import { insertCompletedTemplatesStatement, selectCompletedTemplates } from "../storage/completed-templates.js";
import type { Queryable } from "../../internal/database/database.js";
import type { UnitOfWork } from "../storage/unit-of-work.js";
import type { InputProcessor } from "./processor.js";
import type { TemplateCompleter } from "./template-completer.js";

/** The beforeCommit write of the templates completed in the transaction. */
const NEW_COMPLETED_KEY = "templates completed now";

/**
 * Inputs that carry a template instead of an event: completed into an event in the input
 * transaction, then applied as any new event. Each template ID becomes one event at most:
 * the event it became is recorded in the same transaction, so a writer's retry (the same
 * client transaction, perhaps through another replica) and a redelivery after a crash are
 * both answered with that event.
 */
export class TemplateInputs {
  constructor(
    private readonly completer: TemplateCompleter,
    private readonly processor: InputProcessor,
  ) {}

  /**
   * Looks up which of a batch's template IDs were completed before, in one query; what it
   * returns records the answer in the batch's transaction. The lookup may run before that
   * transaction, beside its start: a template ID is only ever completed by its room's
   * batch, and one room is in one batch at a time.
   */
  async prefetch(q: Queryable, inputs: readonly InputRoomEvent[]): Promise<(uow: UnitOfWork) => void> {
    const ids = inputs.flatMap((i) => (i.template ? [i.template.templateId] : []));
    const completed = await selectCompletedTemplates(q, ids);
    return (uow) => {
      uow.batch.completedTemplates = completed;
    };
  }

  async apply(uow: UnitOfWork, input: InputRoomEvent): Promise<InputVerdict> {
    const template = input.template!;
    const earlier = await this.completedEvent(uow, template.templateId);
    if (earlier !== undefined) return this.verdictOfCompleted(uow, earlier);

    let event;
    try {
      event = await this.completer.complete(uow, template);
    } catch (err) {
      if (err instanceof PerformFailure) return refused(err);
      throw err;
    }
    const verdict = await this.processor.process(uow, input, event, true);
    // A soft-failed event is refused to the writer, so its retry may try again.
    if (verdict.outcome === "accepted" && !verdict.softFailed) this.recordCompleted(uow, template.templateId, event.eventId);
    return verdict;
  }

  /** A redelivered template input, applied before a crash: the verdict of the event it became. */
  async verdictOfApplied(uow: UnitOfWork, input: InputRoomEvent): Promise<InputVerdict | null> {
    const eventId = await this.completedEvent(uow, input.template!.templateId);
    return eventId === undefined ? null : this.verdictOfCompleted(uow, eventId);
  }

  private async verdictOfCompleted(uow: UnitOfWork, eventId: string): Promise<InputVerdict> {
    const verdict = await this.processor.verdictOfStored(uow.q, eventId);
    if (!verdict) throw new Error(`the event ${eventId} of a completed template is not stored`);
    return verdict;
  }

  private async completedEvent(uow: UnitOfWork, templateId: string): Promise<string | undefined> {
    const completed = uow.batch.completedTemplates;
    if (completed) return completed.get(templateId);
    return (await selectCompletedTemplates(uow.q, [templateId])).get(templateId);
  }

  /** Remembered for the rest of the transaction, written once with the others at commit. */
  private recordCompleted(uow: UnitOfWork, templateId: string, eventId: string): void {
    const batch = uow.batch;
    batch.completedTemplates = (batch.completedTemplates ?? new Map<string, string>()).set(templateId, eventId);
    batch.newCompletedTemplates.set(templateId, eventId);
    uow.beforeCommit(NEW_COMPLETED_KEY, () => insertCompletedTemplatesStatement(batch.newCompletedTemplates));
  }
}

function refused(failure: PerformFailure): InputVerdict {
  return {
    eventId: "",
    outcome: "invalid",
    softFailed: false,
    reason: failure.message,
    alreadyKnown: false,
    refusal: failure.toPerformError(),
  };
}
