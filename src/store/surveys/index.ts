import { createHmac, randomBytes } from "node:crypto";
import type { TableClient } from "@azure/data-tables";
import { z } from "zod";
import type { PersonKey } from "../../core/domain.js";
import type { Versioned } from "../../core/ports.js";
import { StoredResponse, Survey, type Answers } from "../../core/workflows/surveys/model.js";
import type { Responded, SurveyBook } from "../../core/workflows/surveys/ports.js";
import type { Logger } from "../../log.js";
import { communityPartition } from "../communities.js";
import { fromRow, getRow, insertRow, keyPart, listPage, prefixFilter, replaceRow, statusOf, toRow } from "../entity.js";
import { CountedResponses } from "./counted.js";
import { RefusedAtCommit } from "../countedWriter.js";
import { LRUCache } from "lru-cache";
import { deepFreeze } from "../readCache.js";
import type { SurveyCounts } from "../../core/workflows/surveys/counts.js";
import { setSurveyAfterEvents, surveyAfterEvents } from "./afterEvents.js";
import { responseRowKeys, setSurveyMuted, surveyMutedPeople } from "./nudges.js";

const surveyRow = (id: string) => `sv:${keyPart(id)}`;
/** Each survey's responses have a partition of their own, so a busy vote never contends with the rest. */
export const responsePartition = (s: Pick<Survey, "communityId" | "id">) => `r:${keyPart(s.communityId)}:${keyPart(s.id)}`;
const keyRow = (s: Pick<Survey, "communityId" | "id">) => `${keyPart(s.communityId)}:${keyPart(s.id)}`;
const BallotKey = z.object({ key: z.string().min(43) });
/**
 * A survey's row is read on every vote: it is reused this long (this instance's own close replaces it at once).
 * Closing marks the survey's counter rows closed, which every group commit of votes carries at the ETags it saw
 * them with, so a vote never counts on a survey closed elsewhere; only what is shown (open or closed) may lag
 * this long on another instance.
 */
export const SURVEY_TTL_MS = 5_000;
/** An anonymous survey's ballot key, kept in memory this long at most (it is deleted from storage at close). */
export const BALLOT_KEY_TTL_MS = 30_000;

/**
 * Surveys live in their community's partition; responses in a partition per survey (SurveyResponses table);
 * an anonymous survey's ballot key in another table (SurveyKeys), never beside the answers, deleted at close.
 * An anonymous response's row key is HMAC-SHA256(ballot key, person): one row per person, changeable while
 * the key exists, and no longer linkable to anyone once it is gone.
 */
export class TableSurveyBook implements SurveyBook {
  private readonly counted: CountedResponses;
  private readonly rows = new LRUCache<string, Versioned<Survey>>({ max: 1_000, ttl: SURVEY_TTL_MS });
  private readonly ballotKeys = new LRUCache<string, Buffer>({ max: 1_000, ttl: BALLOT_KEY_TTL_MS });

  constructor(
    private readonly surveys: TableClient,
    private readonly responseTable: TableClient,
    private readonly keys: TableClient,
    private readonly log: Logger,
  ) {
    this.counted = new CountedResponses(responseTable, log);
  }

  async create(survey: Survey): Promise<"created" | "duplicate"> {
    // The key is stored first: a survey row never exists without the key its answers need.
    if (survey.anonymous) await this.keys.upsertEntity(toRow(BallotKey, "ballot", keyRow(survey), "ballotKey", { key: randomBytes(32).toString("base64url") }), "Replace");
    return insertRow(this.surveys, toRow(Survey, communityPartition(survey.communityId), surveyRow(survey.id), "survey", { ...survey, counted: true, textRows: true }));
  }

  async get(communityId: string, id: string): Promise<Versioned<Survey> | undefined> {
    const cacheKey = `${communityId}\u0000${id}`;
    const cached = this.rows.get(cacheKey);
    if (cached) return cached;
    const row = await getRow(this.surveys, communityPartition(communityId), surveyRow(id));
    const value = row && fromRow(Survey, row, this.log);
    if (!value || !row) return undefined;
    const found = deepFreeze({ value, etag: row.etag });
    this.rows.set(cacheKey, found);
    return found;
  }

  /** A community's open surveys, read from storage now (never cached). */
  async open(communityId: string): Promise<Survey[]> {
    return (await this.all(communityId)).filter((s) => s.status === "open");
  }

  async all(communityId: string): Promise<Survey[]> {
    const found: Survey[] = [];
    let token: string | undefined;
    do {
      const page = await listPage(this.surveys, prefixFilter(communityPartition(communityId), "sv:"), Survey, this.log, { pageSize: 500, continuationToken: token });
      found.push(...page.items);
      token = page.continuationToken;
    } while (token);
    return found;
  }

  /** The row key of a person's response: a keyed hash for anonymous surveys (undefined once the key is gone). */
  private async ballot(survey: Survey, person: PersonKey): Promise<string | undefined> {
    return (await this.ballots(survey))?.(person);
  }

  /** How row keys are derived from people, the ballot key read once (undefined once it is gone). */
  private async ballots(survey: Survey): Promise<((person: PersonKey) => string) | undefined> {
    if (!survey.anonymous) return (person) => `p:${keyPart(person)}`;
    let secret = this.ballotKeys.get(keyRow(survey));
    if (!secret) {
      const row = await getRow(this.keys, "ballot", keyRow(survey));
      const key = row && fromRow(BallotKey, row, this.log);
      if (!key) return undefined;
      secret = Buffer.from(key.key, "base64url");
      this.ballotKeys.set(keyRow(survey), secret);
    }
    return (person) => `b:${createHmac("sha256", secret).update(person).digest("base64url")}`;
  }

  /**
   * Which of `people` have answered, found by each one's row key (for an anonymous survey the keyed hash of each,
   * computed here and compared with the stored keys: no list of who answered is ever stored).
   */
  async answeredAmong(survey: Survey, people: readonly PersonKey[]): Promise<Set<PersonKey>> {
    const [rowKeyOf, stored] = await Promise.all([this.ballots(survey), responseRowKeys(this.responseTable, responsePartition(survey))]);
    return new Set(rowKeyOf ? people.filter((person) => stored.has(rowKeyOf(person))) : []);
  }

  async counts(survey: Survey): Promise<SurveyCounts | undefined> {
    return survey.counted ? this.counted.totals(responsePartition(survey)) : undefined;
  }

  texts(survey: Survey, questionId: string, limit: number): Promise<string[]> {
    return survey.textRows ? this.counted.texts(responsePartition(survey), questionId, limit) : Promise.resolve([]);
  }

  setMuted(communityId: string, personKey: string, muted: boolean, at: Date): Promise<void> {
    return setSurveyMuted(this.surveys, communityId, personKey, muted, at);
  }

  muted(communityId: string): Promise<Set<string>> {
    return surveyMutedPeople(this.surveys, this.log, communityId);
  }

  afterEvents(communityId: string): Promise<boolean> {
    return surveyAfterEvents(this.surveys, this.log, communityId);
  }

  setAfterEvents(communityId: string, on: boolean, by: string, at: Date): Promise<void> {
    return setSurveyAfterEvents(this.surveys, communityId, on, by, at);
  }

  async respond(survey: Survey, person: PersonKey, answers: Answers): Promise<Responded> {
    const rowKey = await this.ballot(survey, person);
    if (!rowKey) return { recorded: false };
    const response: StoredResponse = survey.anonymous ? { answers } : { answers, personKey: person };
    if (survey.counted) {
      try {
        return { recorded: true, counts: await this.counted.respond(survey, responsePartition(survey), rowKey, response) };
      } catch (error) {
        if (error instanceof RefusedAtCommit) return { recorded: false };
        throw error;
      }
    }
    await this.responseTable.upsertEntity(toRow(StoredResponse, responsePartition(survey), rowKey, "response", response), "Replace");
    return { recorded: true };
  }

  async responseOf(survey: Survey, person: PersonKey): Promise<Answers | undefined> {
    const rowKey = await this.ballot(survey, person);
    const row = rowKey ? await getRow(this.responseTable, responsePartition(survey), rowKey) : undefined;
    return (row && fromRow(StoredResponse, row, this.log))?.answers;
  }

  async responses(survey: Survey): Promise<StoredResponse[]> {
    const found: StoredResponse[] = [];
    const rows = this.responseTable.listEntities<{ json?: string }>({ queryOptions: { filter: `PartitionKey eq '${responsePartition(survey).replace(/'/g, "''")}' and RowKey lt '~'` } });
    for await (const row of rows) {
      const response = fromRow(StoredResponse, row, this.log);
      if (response) found.push(response);
    }
    return found;
  }

  async close(survey: Survey, etag: string): Promise<void> {
    const closed: Survey = { ...survey, status: "closed" };
    try {
      await replaceRow(this.surveys, toRow(Survey, communityPartition(survey.communityId), surveyRow(survey.id), "survey", closed), etag, "survey");
      // Then its counters: a commit of answers already under way fails on them and is refused, on every instance.
      if (survey.counted) await this.counted.close(responsePartition(survey));
      if (!survey.anonymous) return;
      try {
        await this.keys.deleteEntity("ballot", keyRow(survey));
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
      }
    } finally {
      // Closed here (or changed since it was read): read afresh next time, and the key is not kept.
      this.rows.delete(`${survey.communityId}\u0000${survey.id}`);
      this.ballotKeys.delete(keyRow(survey));
    }
  }
}
