import type Koa from "koa";
import type { AuthenticatedUser } from "../../internal/http/auth.js";
import { badJson, forbidden, MatrixError } from "../../internal/http/matrix-error.js";
import type { RequestRateLimit } from "../../internal/http/rate-limit.js";
import { UserApiError } from "../../userapi/api/errors.js";
import type { AuthSession, SessionParams, UserApi } from "../../userapi/api/userapi.js";
import { localpartOfLogin } from "./identifier.js";

/** Each flow is a list of stages; completing every stage of one flow authorises the request. */
export type Flows = readonly (readonly string[])[];

export const PASSWORD_FLOWS: Flows = [["m.login.password"]];
export const DUMMY_FLOWS: Flows = [["m.login.dummy"]];

export interface AuthRequirement<T = unknown> {
  /** What is being authorised; a session started for one operation cannot authorise another. */
  readonly operation: string;
  readonly flows: Flows;
  /** For operations on an account: the m.login.password stage must prove this user. */
  readonly user?: AuthenticatedUser;
  /** What a session this request starts remembers, so that later stages may send only `auth`. */
  readonly params?: SessionParams;
  /**
   * Keeps this of the operation's result in its session instead of ending it, so that a retry
   * whose first answer was lost can be answered the same (registration; see continuedSession).
   */
  readonly remember?: (result: T) => Record<string, unknown>;
}

/** The request an authorisation reads: its body's `auth`, and the context a password stage's rate limit counts. */
export interface UiaRequest {
  readonly ctx: Koa.Context;
  readonly body: Record<string, unknown>;
}

/** What the stages of a session check, whatever the operation answers. */
type Stages = Omit<AuthRequirement, "remember">;

/**
 * User-interactive authentication (client-server spec, "User-Interactive Authentication
 * API"). The sessions live in the userapi, so any clientapi replica can continue one.
 * A password stage is a login attempt: it spends the logins' allowance (`loginLimit`, per
 * client address and user), and the userapi counts wrong passwords per account, so a stolen
 * access token does not open a way to guess its owner's password faster than /login does.
 */
export class InteractiveAuth {
  constructor(
    private readonly userApi: () => UserApi,
    private readonly serverName: string,
    private readonly loginLimit: RequestRateLimit,
  ) {}

  /**
   * Runs `operation` once the request's `auth` completes a flow, then ends the session so it
   * cannot authorise the operation twice (or, with `remember`, keeps the result in it). Until
   * then throws the 401 that tells the client what is left (with `errcode` when a stage
   * failed); a failed operation keeps the session.
   */
  async authorise<T>(request: UiaRequest, requirement: AuthRequirement<T>, operation: () => Promise<T>): Promise<T> {
    const session = await this.completedSession(request, requirement);
    const result = await operation();
    const sessions = this.userApi().sessions;
    if (requirement.remember) await sessions.finishSession(session, requirement.operation, requirement.remember(result));
    else await sessions.consumeSession(session, requirement.operation);
    return result;
  }

  /**
   * The session of `operation` the request continues (`auth.session`), with the parameters
   * of its first request and, once the operation ran, what it remembered of the result; null
   * when the request names none (or one of another operation, which `authorise` refuses).
   */
  async continuedSession(body: Record<string, unknown>, operation: string): Promise<AuthSession | null> {
    const auth = body.auth;
    if (auth === null || typeof auth !== "object" || Array.isArray(auth)) return null;
    const sessionId = (auth as Record<string, unknown>).session;
    if (typeof sessionId !== "string") return null;
    const session = await this.userApi().sessions.getSession(sessionId);
    return session?.operation === operation ? session : null;
  }

  /** The session ID once the request's auth completes a flow; otherwise throws the 401. */
  private async completedSession({ ctx, body }: UiaRequest, requirement: Stages): Promise<string> {
    const sessions = this.userApi().sessions;
    const start = () => sessions.createSession(requirement.operation, requirement.user?.userId, requirement.params);
    const auth = body.auth;
    if (auth === undefined || auth === null) throw this.challenge(requirement, await start(), []);
    if (typeof auth !== "object" || Array.isArray(auth)) throw badJson("auth must be an object");
    const data = auth as Record<string, unknown>;
    if (data.session !== undefined && typeof data.session !== "string") throw badJson("auth.session must be a string");
    if (data.type !== undefined && typeof data.type !== "string") throw badJson("auth.type must be a string");

    const sessionId = data.session ?? (await start());
    const session = await sessions.getSession(sessionId);
    if (!session) throw new MatrixError(400, "M_INVALID_PARAM", "Unknown or expired auth session");
    if (session.operation !== requirement.operation || session.userId !== requirement.user?.userId) {
      throw new MatrixError(403, "M_FORBIDDEN", "The auth session was started for another request");
    }
    let completed = [...session.completed];
    if (data.type !== undefined) {
      if (!requirement.flows.some((flow) => flow.includes(data.type as string))) {
        throw this.challenge(requirement, sessionId, completed, ["M_UNRECOGNIZED", `auth type ${data.type} is not offered here`]);
      }
      if (data.type === "m.login.password") this.loginLimit.spend(ctx);
      const failure = await this.attemptStage(data.type, data, requirement);
      if (failure) throw this.challenge(requirement, sessionId, completed, failure);
      completed = await sessions.completeStage(sessionId, data.type);
    }
    if (requirement.flows.some((flow) => flow.every((stage) => completed.includes(stage)))) return sessionId;
    throw this.challenge(requirement, sessionId, completed);
  }

  /** Null when the stage passes, else the errcode and message to report. */
  private async attemptStage(type: string, auth: Record<string, unknown>, requirement: Stages): Promise<[string, string] | null> {
    switch (type) {
      case "m.login.dummy":
        return null;
      case "m.login.password":
        return this.checkPassword(auth, requirement.user);
      default:
        return ["M_UNRECOGNIZED", `auth type ${type} is not supported`];
    }
  }

  private async checkPassword(auth: Record<string, unknown>, user: AuthenticatedUser | undefined): Promise<[string, string] | null> {
    if (typeof auth.password !== "string") return ["M_MISSING_PARAM", "auth.password is required"];
    const localpart = localpartOfLogin(auth, this.serverName);
    try {
      const account = await this.userApi().accounts.checkPassword(localpart, auth.password);
      // Not a stage to try again: the right password of the wrong account (403, as in Synapse).
      if (user && account.userId !== user.userId) throw forbidden("The password must be that of the requesting user");
      return null;
    } catch (err) {
      if (err instanceof UserApiError && (err.code === "FORBIDDEN" || err.code === "USER_DEACTIVATED")) return ["M_FORBIDDEN", err.message];
      throw err;
    }
  }

  private challenge(requirement: Stages, session: string, completed: readonly string[], error?: [string, string]): MatrixError {
    const flows = requirement.flows.map((stages) => ({ stages }));
    return new AuthChallenge({ flows, params: {}, session, completed }, error);
  }
}

/**
 * The 401 of user-interactive auth. It carries `errcode` and `error` only when a stage
 * failed: clients (matrix-js-sdk among them) show an error whenever an errcode is present.
 */
class AuthChallenge extends MatrixError {
  constructor(
    private readonly body: Record<string, unknown>,
    private readonly failure?: [errcode: string, message: string],
  ) {
    super(401, failure?.[0] ?? "M_FORBIDDEN", failure?.[1] ?? "Additional authentication is required", body);
  }

  override toJSON(): Record<string, unknown> {
    return this.failure ? super.toJSON() : { ...this.body };
  }
}
