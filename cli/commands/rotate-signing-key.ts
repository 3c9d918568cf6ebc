import { parseArgs } from "node:util";
import { loadConfigFile } from "../../components/internal/config/load.js";
import { ConfigError } from "../../components/internal/config/errors.js";
import { rotateSigningKey } from "../signing-key.js";

export const ROTATE_SIGNING_KEY_USAGE = `dendrite-ts rotate-signing-key --config FILE

  Makes a new signing key (signing_key_path) and keeps the current one, as of now expired,
  in federation.old_verify_keys_path, published as old_verify_keys so what it signed stays
  verifiable. Restart the server (every process of a polylith) afterwards to sign with the new key.`;

export function runRotateSigningKey(argv: string[]): number {
  const { values } = parseArgs({ args: argv, strict: true, options: { config: { type: "string", short: "c" } } });
  if (!values.config) throw new ConfigError("config", "is required: pass --config FILE");
  const config = loadConfigFile(values.config);
  const { retired, key } = rotateSigningKey(config.signing_key_path, config.federation.old_verify_keys_path, Date.now());
  process.stdout.write(
    `new signing key ${key.keyId} in ${config.signing_key_path}; ${retired.keyId} kept as an old verify key in ` +
      `${config.federation.old_verify_keys_path}. Restart the server to use it.\n`,
  );
  return 0;
}
