import type { TableClient, TransactionAction } from "@azure/data-tables";
import { z } from "zod";
import { PersonKey } from "../../core/domain.js";
import { addResponse, noCounts, sumCounts, SurveyCounts } from "../../core/workflows/surveys/counts.js";
import { StoredResponse, SURVEY_LIMITS, type Survey } from "../../core/workflows/surveys/model.js";
import type { Logger } from "../../log.js";
import { closeCounted, CountedWriter, type CountedGroup } from "../countedWriter.js";
import { fromRow, prefixFilter, toRow, type Row } from "../entity.js";

/**
 * A survey's counts kept beside its responses, as the events RSVP counts are (src/store/events/tally.ts): counter
 * rows in the survey's response partition (row keys after every response's, `~t:N`), written with the responses
 * in group commits (src/store/countedWriter.ts), so a vote costs a few small rows however many have voted, and
 * two votes at once never both count. Counter rows hold numbers only, never anyone.
 */
/** Counter rows sort after every response row (`b:…`, `p:…`); responses are read below this key. */
export const COUNTER_PREFIX = "~t:";

/**
 * Free-text answers are kept in rows of their own too (`~x:QUESTION:RESPONSE-KEY`, after the counters), replaced
 * or deleted with their response in the same transaction: results list a few of them without reading every
 * response. A row holds the text alone, and for a named survey who wrote it; its key is the response's (a keyed
 * hash for an anonymous survey), so it never sorts by time.
 */
export const TEXT_PREFIX = "~x:";
export const textRowPrefix = (questionId: string) => `${TEXT_PREFIX}${questionId}:`;
export const SurveyText = z.object({ text: z.string().max(SURVEY_LIMITS.text), personKey: PersonKey.optional() });

interface SurveyGroup extends CountedGroup {
  /** What the answers are counted by (a survey's questions do not change while it is open). */
  survey: Pick<Survey, "questions" | "textRows">;
}

const textQuestions = (survey: SurveyGroup["survey"]) => (survey.textRows ? survey.questions.filter((q) => q.kind === "text") : []);
const textOf = (response: StoredResponse | undefined, id: string) => {
  const a = response?.answers[id];
  return typeof a === "string" && a.trim() ? a : undefined;
};

export class CountedResponses {
  private readonly writer: CountedWriter<SurveyCounts, SurveyGroup>;

  constructor(
    private readonly table: TableClient,
    private readonly log: Logger,
  ) {
    this.writer = new CountedWriter(table, log, {
      schema: SurveyCounts,
      counterKind: "surveyCount",
      zero: noCounts,
      move(counts, previous, next, { survey }) {
        const before = previous && fromRow(StoredResponse, previous, log);
        if (before) addResponse(counts, survey, before.answers, -1);
        const after = fromRow(StoredResponse, next, log);
        if (after) addResponse(counts, survey, after.answers, 1);
      },
      weight: (_row, { survey }) => 1 + textQuestions(survey).length,
      companions(previous, next, { survey }) {
        const questions = textQuestions(survey);
        if (!questions.length) return [];
        const before = previous && fromRow(StoredResponse, previous, log);
        const after = fromRow(StoredResponse, next, log);
        return questions.flatMap((q): TransactionAction[] => {
          const rowKey = `${textRowPrefix(q.id)}${next.rowKey}`;
          const text = textOf(after, q.id);
          if (text) return [["upsert", toRow(SurveyText, next.partitionKey, rowKey, "surveyText", { text, ...(after?.personKey ? { personKey: after.personKey } : {}) }), "Replace"]];
          return textOf(before, q.id) ? [["delete", { partitionKey: next.partitionKey, rowKey }]] : [];
        });
      },
    });
  }

  /**
   * Stores a response (replacing the one under the same key) and moves the counts by it, atomically, unless the
   * survey has closed (`RefusedAtCommit`): the counts as it left them.
   */
  async respond(survey: Survey, partitionKey: string, rowKey: string, response: StoredResponse): Promise<SurveyCounts> {
    return sumCounts(await this.writer.write({ partitionKey, counterPrefix: COUNTER_PREFIX, survey }, toRow(StoredResponse, partitionKey, rowKey, "response", response)));
  }

  /** No answer is counted from now on, through any instance, even one that still holds the survey as open. */
  close(partitionKey: string): Promise<void> {
    return closeCounted(this.table, { partitionKey, counterPrefix: COUNTER_PREFIX });
  }

  /** At most `limit` free-text answers to a question, read from their own rows (one page). */
  async texts(partitionKey: string, questionId: string, limit: number): Promise<string[]> {
    const pages = this.table.listEntities<Row>({ queryOptions: { filter: prefixFilter(partitionKey, textRowPrefix(questionId)) } }).byPage({ maxPageSize: limit });
    const first = await pages.next();
    if (first.done) return [];
    return first.value.flatMap((row) => fromRow(SurveyText, row, this.log)?.text ?? []).slice(0, limit);
  }

  /** A survey's counts: the sum of its counter rows. */
  async totals(partitionKey: string): Promise<SurveyCounts> {
    return sumCounts(await this.writer.shards({ partitionKey, counterPrefix: COUNTER_PREFIX, survey: { questions: [] } }));
  }
}
