import { randomBytes } from "node:crypto";
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ConfigError } from "../components/internal/config/errors.js";
import { MIN_GRPC_SECRET_LENGTH } from "../components/internal/grpc/auth.js";

const KEY = "grpc.secret_path";

/** A new secret: 32 random bytes, unpadded base64url (43 characters). */
export function generateGrpcSecret(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * Creates the secret file when it does not exist, owner-only. Several processes starting
 * together on one folder must end with one secret: the file is written aside and linked
 * into place, which fails for all but the first.
 */
export function createGrpcSecretFile(path: string): boolean {
  if (existsSync(path)) return false;
  mkdirSync(dirname(path), { recursive: true });
  const aside = join(dirname(path), `.grpc-secret-${process.pid}-${randomBytes(4).toString("hex")}`);
  writeFileSync(aside, `${generateGrpcSecret()}\n`, { mode: 0o600 });
  try {
    linkSync(aside, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    return false;
  } finally {
    rmSync(aside, { force: true });
  }
}

/**
 * The secret every gRPC call between components carries (components/internal/grpc/auth.ts).
 * The monolith (`create`) makes one on its first run, as it does the signing key; a process
 * of the polylith never does, since a secret of its own would match no other process's:
 * it stops with the reason instead.
 */
export function loadGrpcSecret(path: string, create: boolean): string {
  if (create) createGrpcSecretFile(path);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ConfigError(
      KEY,
      `cannot read the gRPC secret at ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); every process ` +
        "of a polylith needs the same one: `generate-config -o` writes it, or put 32 random bytes in base64 there",
    );
  }
  const secret = text.trim();
  if (secret.length < MIN_GRPC_SECRET_LENGTH || /\s/.test(secret)) {
    throw new ConfigError(
      KEY,
      `the gRPC secret in ${path} must be one line of at least ${MIN_GRPC_SECRET_LENGTH} characters without spaces`,
    );
  }
  return secret;
}
