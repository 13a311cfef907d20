import type { TableClient } from "@azure/data-tables";
import { addResponse, noCounts, sumCounts, SurveyCounts } from "../../core/workflows/surveys/counts.js";
import { StoredResponse, type Survey } from "../../core/workflows/surveys/model.js";
import type { Logger } from "../../log.js";
import { CountedWriter, type CountedGroup } from "../countedWriter.js";
import { fromRow, toRow } from "../entity.js";

/**
 * A survey's counts kept beside its responses, as the events RSVP counts are (src/store/events/tally.ts): counter
 * rows in the survey's response partition (row keys after every response's, `~t:N`), written with the responses
 * in group commits (src/store/countedWriter.ts), so a vote costs a few small rows however many have voted, and
 * two votes at once never both count. Counter rows hold numbers only, never anyone.
 */
/** Counter rows sort after every response row (`b:…`, `p:…`); responses are read below this key. */
export const COUNTER_PREFIX = "~t:";

interface SurveyGroup extends CountedGroup {
  /** What the answers are counted by (a survey's questions do not change while it is open). */
  survey: Pick<Survey, "questions">;
}

export class CountedResponses {
  private readonly writer: CountedWriter<SurveyCounts, SurveyGroup>;

  constructor(table: TableClient, log: Logger) {
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
    });
  }

  /** Stores a response (replacing the one under the same key) and moves the counts by it, atomically: the counts as it left them. */
  async respond(survey: Survey, partitionKey: string, rowKey: string, response: StoredResponse, admits?: () => Promise<boolean>): Promise<SurveyCounts> {
    return sumCounts(await this.writer.write({ partitionKey, counterPrefix: COUNTER_PREFIX, survey, admits }, toRow(StoredResponse, partitionKey, rowKey, "response", response)));
  }

  /** A survey's counts: the sum of its counter rows. */
  async totals(partitionKey: string): Promise<SurveyCounts> {
    return sumCounts(await this.writer.shards({ partitionKey, counterPrefix: COUNTER_PREFIX, survey: { questions: [] } }));
  }
}
