import { parseArgs } from "node:util";
import { checkNewPassword } from "../../components/clientapi/auth/password-rules.js";
import { loadConfigFile } from "../../components/internal/config/load.js";
import { migrate } from "../../components/internal/database/migrations.js";
import { openDatabase } from "../../components/internal/database/open.js";
import { MatrixError } from "../../components/internal/http/matrix-error.js";
import { UserApiError } from "../../components/userapi/api/errors.js";
import { USERAPI_MIGRATIONS } from "../../components/userapi/storage/migrations.js";
import { createLocalUserApi } from "../../components/userapi/userapi.js";

export const CREATE_ACCOUNT_USAGE = `dendrite-ts create-account --config FILE --username NAME [--password P | --password-stdin] [--admin]

  Creates an account directly in the configured database, as a one-off process.
  --password-stdin reads the password from standard input (keeps it out of the process list).
  With the embedded database (no database.postgres), stop the server first: PGlite's folder
  must not be opened by two processes. A running server can instead register accounts with
  the shared secret (/_synapse/admin/v1/register).`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

/** `create-account`: exit 0 and the new user ID on stdout; 1 with the reason when refused. */
export async function runCreateAccount(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      config: { type: "string", short: "c" },
      username: { type: "string", short: "u" },
      password: { type: "string", short: "p" },
      "password-stdin": { type: "boolean" },
      admin: { type: "boolean" },
    },
  });
  if (!values.config || !values.username || (values.password === undefined) === !values["password-stdin"]) {
    process.stderr.write(`${CREATE_ACCOUNT_USAGE}\n`);
    return 2;
  }
  const password = values.password ?? (await readStdin());
  const config = loadConfigFile(values.config);
  const db = await openDatabase(config);
  try {
    checkNewPassword(password);
    await migrate(db, "userapi", USERAPI_MIGRATIONS);
    const api = createLocalUserApi(db, config.server_name);
    const account = await api.accounts.createAccount({
      localpart: values.username,
      password,
      accountType: values.admin ? "admin" : "user",
    });
    process.stdout.write(`${account.userId}\n`);
    return 0;
  } catch (err) {
    if (err instanceof UserApiError || err instanceof MatrixError) {
      process.stderr.write(`dendrite-ts create-account: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await db.close();
  }
}
