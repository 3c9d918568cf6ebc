/**
 * Subject helpers. NATS subject tokens cannot hold '.', '*', '>' or whitespace, and room
 * IDs hold '!' ':' '.', so IDs go into subjects as unpadded URL-safe base64.
 */
export function subjectToken(id: string): string {
  return Buffer.from(id, "utf8").toString("base64url");
}

/** The stream a subject belongs to: its first token. */
export function streamOf(subject: string): string {
  const dot = subject.indexOf(".");
  return dot < 0 ? subject : subject.slice(0, dot);
}

/** NATS wildcard matching: `*` matches one token, a final `>` one or more. */
export function subjectMatches(pattern: string, subject: string): boolean {
  if (pattern === subject) return true;
  const p = pattern.split(".");
  const s = subject.split(".");
  for (let i = 0; i < p.length; i++) {
    if (p[i] === ">") return i === p.length - 1 && s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== "*" && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}

const NAME = /^[A-Za-z0-9_-]+$/;

/** Stream and durable names must be plain tokens in NATS (and the prefix with them). */
export function checkName(kind: string, name: string): void {
  if (!NAME.test(name)) throw new Error(`invalid ${kind} name ${JSON.stringify(name)}: use letters, digits, _ and -`);
}
