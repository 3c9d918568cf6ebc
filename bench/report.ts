import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";

/** One figure a benchmark measured. Printed as a JSON line, then gathered into a table. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
}

const figures: Figure[] = [];

export function report(name: string, value: number, unit: string): void {
  const figure = { name, value: Math.round(value * 100) / 100, unit };
  figures.push(figure);
  console.log(JSON.stringify(figure));
}

/** The p-th percentile of ascending `sorted` values (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function printTable(): void {
  if (figures.length === 0) return;
  const width = Math.max(...figures.map((f) => f.name.length));
  console.log("");
  for (const f of figures) console.log(`${f.name.padEnd(width)}  ${String(f.value).padStart(12)} ${f.unit}`);
}

/** Runs `fn` repeatedly for about `ms` milliseconds and returns operations per second. */
export function opsPerSecond(fn: () => void, ms = 1000): number {
  for (let i = 0; i < 100; i++) fn(); // warm up the JIT
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(ms) * 1_000_000n;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 50; i++) fn();
    n += 50;
    now = process.hrtime.bigint();
  }
  return n / (Number(now - start) / 1e9);
}

/**
 * The machine's speed as the bench runs, since the machine is shared and its speed varies:
 * one core's sha256 of 1 KB and ed25519 signatures of 1 KB (node:crypto, as the server
 * signs), 4 KB writes each flushed to disk (fsync) in the folder where the benches'
 * servers keep their data, and the machine's load (other work shares its cores). Figures
 * of two runs compare only beside these.
 */
export function reportMachineSpeed(when: string): void {
  report(`machine load ${when}: 1-minute load average`, loadavg()[0]!, "runnable");
  const block = Buffer.alloc(1024, 7);
  report(
    `machine speed ${when}: sha256 of 1 KB, one core`,
    opsPerSecond(() => createHash("sha256").update(block).digest()),
    "ops/s",
  );
  const { privateKey } = generateKeyPairSync("ed25519");
  report(
    `machine speed ${when}: ed25519 sign of 1 KB, one core`,
    opsPerSecond(() => sign(null, block, privateKey)),
    "ops/s",
  );
  const dir = mkdtempSync(join(tmpdir(), "dendrite-bench-disk-"));
  const fd = openSync(join(dir, "probe"), "w");
  try {
    const page = Buffer.alloc(4096, 7);
    report(
      `machine speed ${when}: 4 KB write + fsync in ${tmpdir()}`,
      opsPerSecond(() => {
        writeSync(fd, page, 0, page.length, 0);
        fsyncSync(fd);
      }),
      "ops/s",
    );
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}
