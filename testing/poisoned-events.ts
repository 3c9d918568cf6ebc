import type { Database } from "../components/internal/database/database.js";

/** Text in an event's content that makes the database refuse the event (a trigger below). */
export const POISON_MARKER = "poison-7f3a";

/**
 * Makes the roomserver's database refuse, every time, to store an event whose JSON holds
 * POISON_MARKER: the way a value PostgreSQL cannot hold (U+0000 once) made the input
 * consumer retry for ever, now injected without a code path of its own.
 */
export async function poisonEventsTable(db: Database): Promise<void> {
  await db.exec(`
    CREATE OR REPLACE FUNCTION test_refuse_poisoned_event() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.json LIKE '%${POISON_MARKER}%' THEN
        RAISE EXCEPTION 'injected failure: this event cannot be stored';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER test_refuse_poisoned_event BEFORE INSERT ON roomserver_events
      FOR EACH ROW EXECUTE FUNCTION test_refuse_poisoned_event();`);
}
