import { pino, type Logger as PinoLogger, type LevelWithSilent } from "pino";

/** Structured JSON logger; children carry `component`, `room`, `request_id` fields. */
export type Logger = PinoLogger;

export const LOG_LEVELS: readonly LevelWithSilent[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

export function createLogger(level: LevelWithSilent, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination({ sync: false }),
  );
}

/** A logger that drops everything: for tests and library code called without one. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
