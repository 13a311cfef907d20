import type { TableClient } from "@azure/data-tables";
import { ConcurrencyError } from "../../core/errors.js";
import type { Versioned } from "../../core/ports.js";
import { DigestRun, DigestSchedule, Story } from "../../core/workflows/summaries/model.js";
import type { SummariesBook } from "../../core/workflows/summaries/ports.js";
import { Survey } from "../../core/workflows/surveys/model.js";
import type { Logger } from "../../log.js";
import { communityPartition } from "../communities.js";
import { fromRow, getRow, insertRow, keyPart, prefixFilter, replaceRow, toRow, type Row } from "../entity.js";
import type { z } from "zod";

/** Summaries rows live in the community's partition: the digest schedule, its runs (`dg:`) and stories (`story:`). */
const SCHEDULE = "dg:schedule";
const RUN = "dg:run:";
/** Newest first: a run's key counts down from the largest instant. */
const runRow = (at: string | Date) => `${RUN}${String(9_999_999_999_999 - new Date(at).getTime()).padStart(13, "0")}`;
const STORY = "story:";
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

export class TableSummariesBook implements SummariesBook {
  constructor(
    private readonly table: TableClient,
    private readonly log: Logger,
  ) {}

  async schedule(communityId: string): Promise<Versioned<DigestSchedule> | undefined> {
    const row = await getRow(this.table, communityPartition(communityId), SCHEDULE);
    const value = row && fromRow(DigestSchedule, row, this.log);
    return value && row ? { value, etag: row.etag } : undefined;
  }

  async saveSchedule(communityId: string, schedule: DigestSchedule, etag?: string): Promise<void> {
    const row = toRow(DigestSchedule, communityPartition(communityId), SCHEDULE, "digestSchedule", schedule);
    if (etag) await replaceRow(this.table, row, etag, "digest schedule");
    else if ((await insertRow(this.table, row)) === "duplicate") throw new ConcurrencyError("digest schedule");
  }

  async claimRun(run: DigestRun): Promise<{ result: "created" } | { result: "duplicate"; stored: DigestRun | undefined }> {
    const partition = communityPartition(run.communityId);
    if ((await insertRow(this.table, toRow(DigestRun, partition, runRow(run.at), "digestRun", run))) === "created") return { result: "created" };
    const row = await getRow(this.table, partition, runRow(run.at));
    return { result: "duplicate", stored: row && fromRow(DigestRun, row, this.log) };
  }

  async lastRun(communityId: string, before: Date): Promise<DigestRun | undefined> {
    const filter = `PartitionKey eq ${quote(communityPartition(communityId))} and RowKey gt ${quote(runRow(before))} and RowKey lt ${quote("dg:run;")}`;
    for await (const row of this.table.listEntities<Row>({ queryOptions: { filter } })) {
      const run = fromRow(DigestRun, row, this.log);
      if (run) return run;
    }
    return undefined;
  }

  async surveysClosed(communityId: string, from: Date, to: Date): Promise<Survey[]> {
    const closed = (s: Survey) => s.status === "closed" && !!s.closedAt && Date.parse(s.closedAt) >= from.getTime() && Date.parse(s.closedAt) < to.getTime();
    return (await this.all(prefixFilter(communityPartition(communityId), "sv:"), Survey)).map((v) => v.value).filter(closed);
  }

  async addStory(story: Story): Promise<"created" | "duplicate"> {
    return insertRow(this.table, toRow(Story, communityPartition(story.communityId), `${STORY}${keyPart(story.id)}`, "story", story));
  }

  async story(communityId: string, id: string): Promise<Versioned<Story> | undefined> {
    const row = await getRow(this.table, communityPartition(communityId), `${STORY}${keyPart(id)}`);
    const value = row && fromRow(Story, row, this.log);
    return value && row ? { value, etag: row.etag } : undefined;
  }

  async decideStory(story: Story, etag: string): Promise<void> {
    await replaceRow(this.table, toRow(Story, communityPartition(story.communityId), `${STORY}${keyPart(story.id)}`, "story", story), etag, "story");
  }

  async pendingStories(communityId: string): Promise<Array<Versioned<Story>>> {
    const all = await this.all(prefixFilter(communityPartition(communityId), STORY), Story);
    return all.filter((s) => s.value.status === "pending").sort((a, b) => a.value.at.localeCompare(b.value.at));
  }

  async approvedStories(communityId: string, from: Date, to: Date, options: { sponsorOnly?: boolean } = {}): Promise<Story[]> {
    const inRange = (s: Story) => s.status === "approved" && !!s.decidedAt && Date.parse(s.decidedAt) >= from.getTime() && Date.parse(s.decidedAt) < to.getTime();
    return (await this.all(prefixFilter(communityPartition(communityId), STORY), Story))
      .map((s) => s.value)
      .filter((s) => inRange(s) && (!options.sponsorOnly || s.shareWithSponsor))
      .sort((a, b) => (a.decidedAt ?? "").localeCompare(b.decidedAt ?? ""));
  }

  /** Every row under a prefix that parses, with its ETag. */
  private async all<T>(filter: string, schema: z.ZodType<T, z.ZodTypeDef, unknown>): Promise<Array<Versioned<T>>> {
    const found: Array<Versioned<T>> = [];
    for await (const row of this.table.listEntities<Row>({ queryOptions: { filter } })) {
      const value = fromRow(schema, row, this.log);
      if (value) found.push({ value, etag: row.etag ?? "" });
    }
    return found;
  }
}
