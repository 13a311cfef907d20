import { TeamsAdapter } from "@microsoft/teams-ai/lib/TeamsAdapter.js"; // not the index: see bot.ts
import type { Activity, TurnContext } from "botbuilder";
import type { Request, Response } from "express";
import { LRUCache } from "lru-cache";
import type { Logger } from "../log.js";
import { SigningKeyGate, SigningKeysUnavailable } from "./signingKeys.js";

/** How long a finished turn's answer is kept for the same activity sent again (Teams sends one again after 15 s). */
export const RECENT_MS = 60_000;
/** At most this much of those answers is kept (an invoke's card is a few kB; a message's answer is empty). */
const RECENT_BYTES = 8 * 1024 * 1024;

const JWT_ERRORS = new Set(["JsonWebTokenError", "TokenExpiredError", "NotBeforeError"]);

/** An authentication failure: botbuilder's AuthenticationError carries 401; jsonwebtoken's own errors do not. */
export function isAuthFailure(error: unknown): boolean {
  const e = error as { statusCode?: unknown; name?: unknown } | undefined;
  return e?.statusCode === 401 || (typeof e?.name === "string" && JWT_ERRORS.has(e.name));
}

/**
 * The Teams AI adapter served over express. Like CloudAdapter.process, except that every rejected
 * token is a 401 (botbuilder lets a badly signed token through as a 500, which hides an attack as a
 * bug), and a token that cannot be checked because Microsoft's signing keys are out of reach is a
 * 503 with Retry-After, fetched again only as SigningKeyGate allows.
 */
export class HttpTeamsAdapter extends TeamsAdapter {
  private readonly signingKeys = new SigningKeyGate();
  /**
   * botbuilder makes a ConnectorClient, which builds its own HTTP pipeline, for every turn; it holds nothing
   * of the turn (botframework-connector caches tokens across all of them), so one per app id, service URL
   * and audience serves every turn.
   */
  private readonly connectors = new LRUCache<string, ConnectorClient, () => Promise<ConnectorClient>>({ max: 64, fetchMethod: (_key, _stale, { context }) => context() });

  /**
   * botbuilder also makes a UserTokenClient for every turn (processActivity), and with it another HTTP pipeline;
   * it too holds nothing of the turn (each call names its user and connection), so one per app id serves all.
   */
  private readonly userTokenClients = new LRUCache<string, UserTokenClient, () => Promise<UserTokenClient>>({ max: 64, fetchMethod: (_key, _stale, { context }) => context() });

  /**
   * The turns running, by conversation and activity id. Teams sends an activity again when the bot has not
   * answered it within 15 s, with the same id: one that arrives while its first delivery still runs waits for
   * it and gets its answer, instead of running twice (a post made twice, a form saved twice).
   */
  private readonly running = new Map<string, Promise<Answer>>();

  /**
   * The answers of turns finished in the last RECENT_MS, for an activity sent again that reaches the app only
   * after its first delivery finished (one that waited in the listen backlog of a busy instance, say). Bounded
   * by size (RECENT_BYTES): past it the oldest go first, and one sent again that late runs again. Only this
   * instance's turns are known: one sent again to another instance runs there again.
   */
  private readonly answered = new LRUCache<string, Answer>({ ttl: RECENT_MS, maxSize: RECENT_BYTES, sizeCalculation: (answer, key) => key.length + (answer.json?.length ?? 0) + 64 });

  constructor(...args: ConstructorParameters<typeof TeamsAdapter>) {
    super(...args);
    const auth = this.botFrameworkAuthentication;
    const create = auth.createUserTokenClient.bind(auth);
    auth.createUserTokenClient = async (claims) => (await this.userTokenClients.fetch(audienceOf(claims), { context: () => create(claims) })) ?? create(claims);
  }

  /** The request's connector factory, making each client once. */
  private reusing(factory: ConnectorFactory, claims: Claims): ConnectorFactory {
    return {
      create: async (serviceUrl, audience) => {
        const key = `${audienceOf(claims)}\n${serviceUrl}\n${audience ?? ""}`;
        return (await this.connectors.fetch(key, { context: () => factory.create(serviceUrl, audience) })) ?? factory.create(serviceUrl, audience);
      },
    };
  }

  async serve(req: Request, res: Response, logic: (context: TurnContext) => Promise<void>, log: Logger): Promise<void> {
    const activity = req.body as Activity & Record<string, unknown>;
    // As botbuilder's validateAndFixActivity: the wire carries ISO strings where the schema has Dates.
    for (const field of ["timestamp", "localTimestamp", "expiration"] as const) {
      const raw = activity[field] as unknown;
      if (typeof raw === "string") {
        activity[`raw${field[0]!.toUpperCase()}${field.slice(1)}`] = raw;
        (activity as Record<string, unknown>)[field] = new Date(raw);
      }
    }
    const authorization = req.get("authorization") ?? "";
    const authentication = await this.signingKeys
      .verify(authorization, () => this.botFrameworkAuthentication.authenticateRequest(activity, authorization), log)
      .catch((error: unknown) => refuse(error, res, log));
    if (!authentication) return;
    const { connectorFactory, claimsIdentity } = authentication;
    const reused = { ...authentication, connectorFactory: connectorFactory && this.reusing(connectorFactory, claimsIdentity) };
    const key = activity.id ? `${activity.conversation.id}\n${activity.id}` : undefined;
    const first = key === undefined ? undefined : (this.running.get(key) ?? this.answered.get(key));
    let answer: Answer;
    if (first) {
      log.info({ activityType: activity.type }, "Teams activity sent again: answered with its first delivery's answer, not run twice");
      // A first delivery that failed answers nothing: this one runs.
      answer = await Promise.resolve(first).catch(() => this.answering(reused, activity, logic));
    } else {
      const turn = this.answering(reused, activity, logic);
      if (key !== undefined) {
        this.running.set(key, turn);
        void turn.then(
          (done) => {
            this.running.delete(key);
            // A turn that failed is run again when sent again.
            if (done.status < 500) this.answered.set(key, done);
          },
          () => this.running.delete(key),
        );
      }
      answer = await turn;
    }
    res.status(answer.status);
    if (answer.json === undefined) res.end();
    else res.type("json").send(answer.json);
  }

  /** One turn, its invoke response ready to send (and to keep, `answered`). */
  private async answering(authentication: Authentication, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<Answer> {
    const response = await this.processActivity(authentication, activity, logic);
    return { status: response?.status ?? 200, json: response?.body === undefined ? undefined : JSON.stringify(response.body) };
  }
}

/** What a turn answered on its HTTP request: its status, and its body as JSON (an invoke's). */
interface Answer {
  status: number;
  json?: string;
}

/** botframework-connector's ConnectorFactory and ConnectorClient (that package is not a direct dependency). */
type ConnectorFactory = ReturnType<HttpTeamsAdapter["botFrameworkAuthentication"]["createConnectorFactory"]>;
type ConnectorClient = Awaited<ReturnType<ConnectorFactory["create"]>>;
type UserTokenClient = Awaited<ReturnType<HttpTeamsAdapter["botFrameworkAuthentication"]["createUserTokenClient"]>>;
type Authentication = Awaited<ReturnType<HttpTeamsAdapter["botFrameworkAuthentication"]["authenticateRequest"]>>;
type Claims = { claims: Array<{ type: string; value: string }> };

/** The app id a request's token was issued for (its audience claim); empty when unauthenticated (local mode). */
function audienceOf(claims: Claims): string {
  return claims.claims.find((claim) => claim.type === "aud")?.value ?? "";
}

/** Answers a request whose token was not accepted; rethrows anything else. */
function refuse(error: unknown, res: Response, log: Logger): undefined {
  if (error instanceof SigningKeysUnavailable) {
    res.set("Retry-After", String(error.retryAfterSeconds));
    res.status(503).json({ error: "unavailable", message: "Bot Framework tokens cannot be checked just now (Microsoft's signing keys are out of reach); retry later." });
    return undefined;
  }
  if (!isAuthFailure(error)) throw error;
  log.warn({ err: (error as Error).message }, "Teams request refused: no valid Bot Framework token");
  res.status(401).json({ error: "unauthorized", message: "A valid Bot Framework token for this app is required." });
  return undefined;
}
