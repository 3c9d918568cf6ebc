import { expect } from "chai";

/** One sample of Prometheus' text exposition format: `name{label="value",...} value`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Scrape {
  samples: Sample[];
  /** The `# TYPE` of each metric family, by name. */
  types: Map<string, string>;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/gy;

function unescape(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
}

/** Parses the text format (version 0.0.4) strictly: a line it cannot read fails the test. */
export function parsePrometheusText(text: string): Scrape {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    if (line.startsWith("#")) {
      const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
      if (type) types.set(type[1]!, type[2]!);
      else expect(line, "a comment line").to.match(/^# HELP \S+ /);
      continue;
    }
    const match = SAMPLE.exec(line);
    expect(match, `a sample line: ${line}`).to.not.equal(null);
    const [, name, labelText = "", valueText] = match!;
    const labels: Record<string, string> = {};
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < labelText.length) {
      const label = LABEL.exec(labelText);
      expect(label, `labels of ${line}`).to.not.equal(null);
      labels[label![1]!] = unescape(label![2]!);
    }
    // Prometheus parses values as Go's ParseFloat does: NaN and Inf in any case (prom-client
    // writes "Nan" for a histogram with no samples yet, as the event-loop lag just after start).
    const value = /^\+?inf$/i.test(valueText!) ? Infinity : /^-inf$/i.test(valueText!) ? -Infinity : Number(valueText);
    expect(Number.isNaN(value) && !/^nan$/i.test(valueText!), `value of ${line}`).to.equal(false);
    samples.push({ name: name!, labels, value });
  }
  return { samples, types };
}

/** Fetches and parses a process's metrics, checking the status and Content-Type first. */
export async function scrape(url: string): Promise<Scrape> {
  const res = await fetch(url);
  const text = await res.text();
  expect(res.status, `GET ${url}: ${text.slice(0, 200)}`).to.equal(200);
  expect(res.headers.get("content-type")).to.match(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(text);
}

/** The samples of `name` whose labels include all of `labels`. */
export function samplesOf(scrape: Scrape, name: string, labels: Record<string, string> = {}): Sample[] {
  return scrape.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** The one sample of `name` with `labels`, which must exist. */
export function sampleOf(scrape: Scrape, name: string, labels: Record<string, string> = {}): Sample {
  const found = samplesOf(scrape, name, labels);
  const near = samplesOf(scrape, name)
    .map((s) => JSON.stringify(s.labels))
    .slice(0, 20);
  expect(found, `${name}${JSON.stringify(labels)} among ${near.join(" ")}`).to.have.lengthOf.at.least(1);
  return found[0]!;
}
