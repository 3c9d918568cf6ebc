import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Ajv2020 } from "ajv/dist/2020.js";
import yaml from "js-yaml";

/**
 * Checks responses against the Matrix spec's own OpenAPI definitions, which live only in
 * ../shared/matrix-spec/data (never copied into this project). Where that folder is absent
 * (a stranger's clone), `SPEC_AVAILABLE` is false and callers say plainly that the check did
 * not run; everything else still passes.
 */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const SPEC_DATA_DIR = process.env.DENDRITE_SPEC_DATA ?? resolve(repoRoot, "..", "shared", "matrix-spec", "data");
export const SPEC_AVAILABLE = existsSync(join(SPEC_DATA_DIR, "api", "client-server"));

if (!SPEC_AVAILABLE) {
  console.log(`note: the Matrix spec's OpenAPI definitions are not at ${SPEC_DATA_DIR}; response schema checks did not run`);
}

type Api = "client-server" | "server-server";

interface Operation {
  fileUri: string;
  pointer: string;
}

let ajv: InstanceType<typeof Ajv2020> | null = null;
const operations = new Map<string, Operation>();

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== "examples") out.push(...yamlFiles(path)); // examples are events, not schemas
    } else if (/\.(ya?ml|json)$/.test(name)) out.push(path);
  }
  return out;
}

const escapePointer = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");

function load(): InstanceType<typeof Ajv2020> {
  if (ajv) return ajv;
  ajv = new Ajv2020({ strict: false, validateFormats: false, validateSchema: false, allErrors: true });
  for (const file of yamlFiles(SPEC_DATA_DIR)) {
    const doc = yaml.load(readFileSync(file, "utf8")) as Record<string, unknown> | null;
    if (!doc || typeof doc !== "object") continue;
    const fileUri = pathToFileURL(file).href;
    ajv.addSchema({ ...doc, $id: fileUri }, fileUri);
    const api = file.includes(`${join("api", "client-server")}`)
      ? "client-server"
      : file.includes(join("api", "server-server"))
        ? "server-server"
        : null;
    const paths = doc.paths as Record<string, Record<string, unknown>> | undefined;
    if (!api || !paths) continue;
    for (const [path, methods] of Object.entries(paths)) {
      for (const method of Object.keys(methods)) {
        operations.set(`${api} ${method.toUpperCase()} ${path}`, { fileUri, pointer: `/paths/${escapePointer(path)}/${method}` });
      }
    }
  }
  return ajv;
}

/**
 * Validates `body` against the response schema the spec gives for `method path` (the spec's
 * path template, e.g. "/rooms/{roomId}/send/{eventType}/{txnId}") and `status`. Throws with
 * ajv's errors when it does not match; returns false when the spec data is absent.
 */
export function checkResponse(api: Api, method: string, path: string, status: number, body: unknown): boolean {
  if (!SPEC_AVAILABLE) return false;
  const validator = load();
  const operation = operations.get(`${api} ${method.toUpperCase()} ${path}`);
  if (!operation) throw new Error(`the spec defines no ${method} ${path} in the ${api} API`);
  const ref = `${operation.fileUri}#${operation.pointer}/responses/${status}/content/application~1json/schema`;
  let validate = validator.getSchema(ref);
  if (!validate) validate = validator.compile({ $ref: ref });
  if (!validate(body)) {
    throw new Error(
      `response to ${method} ${path} (${status}) does not match the spec: ${validator.errorsText(validate.errors)}\n${JSON.stringify(body)}`,
    );
  }
  return true;
}

/**
 * Like checkResponse, but a status the operation does not list is checked against the spec's
 * common error schema (rate_limited.yaml for 429): the spec lets every endpoint answer the
 * common errors (401 M_MISSING_TOKEN, 403 M_GUEST_ACCESS_FORBIDDEN, 429, ...) without
 * listing them each time.
 */
export function checkResponseOrCommonError(api: Api, method: string, path: string, status: number, body: unknown): boolean {
  if (!SPEC_AVAILABLE) return false;
  const validator = load();
  const operation = operations.get(`${api} ${method.toUpperCase()} ${path}`);
  if (!operation) throw new Error(`the spec defines no ${method} ${path} in the ${api} API`);
  const doc = validator.getSchema(operation.fileUri)?.schema as Record<string, any> | undefined;
  const response = doc?.paths?.[path]?.[method.toLowerCase()]?.responses?.[String(status)];
  const listedSchema: unknown = response?.content?.["application/json"]?.schema;
  if (listedSchema !== undefined) return checkResponse(api, method, path, status, body);
  if (status < 400) throw new Error(`the spec lists no ${status} response for ${method} ${path}`);
  const file = status === 429 ? "rate_limited.yaml" : "error.yaml";
  const ref = pathToFileURL(join(SPEC_DATA_DIR, "api", api, "definitions", "errors", file)).href;
  const validate = validator.getSchema(ref) ?? validator.compile({ $ref: ref });
  if (!validate(body)) {
    throw new Error(
      `error response to ${method} ${path} (${status}) is not a Matrix error: ${validator.errorsText(validate.errors)}\n${JSON.stringify(body)}`,
    );
  }
  return true;
}

/**
 * Validates `body` against one schema file of the spec data (`file` relative to it, e.g.
 * "event-schemas/schema/core-event-schema/state_event.yaml"). For responses whose listed
 * schema cannot be met: GET /state/{eventType}/{stateKey} lists `oneOf` [any object, a
 * state event], which a `format=event` answer matches twice, so it is checked against the
 * state event schema instead.
 */
export function checkSpecSchema(file: string, body: unknown): boolean {
  if (!SPEC_AVAILABLE) return false;
  const validator = load();
  const ref = pathToFileURL(join(SPEC_DATA_DIR, file)).href;
  const validate = validator.getSchema(ref) ?? validator.compile({ $ref: ref });
  if (!validate(body)) throw new Error(`${JSON.stringify(body)} does not match ${file}: ${validator.errorsText(validate.errors)}`);
  return true;
}
