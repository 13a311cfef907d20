import type { TableClient } from "@azure/data-tables";
import type { PersonKey } from "../../core/domain.js";
import { ConcurrencyError } from "../../core/errors.js";
import type { Versioned } from "../../core/ports.js";
import { Buddy, CheckIn, MatchingSettings, MatchPrefs, Round } from "../../core/workflows/matching/model.js";
import type { MatchingBook } from "../../core/workflows/matching/ports.js";
import type { Logger } from "../../log.js";
import { communityPartition } from "../communities.js";
import { z } from "zod";
import { fromRow, getRow, insertRow, keyPart, listPage, prefixFilter, replaceRow, toRow, upsertBatched } from "../entity.js";

/** Matching rows live in the community's partition under `match:` (apart from members, spaces, events, surveys). */
const SETTINGS = "match:settings";
const PREF = "match:pref:";
const ROUND = "match:round:";
/** A round's groups, one row each (a round of hundreds would not fit one property's 64 KiB). */
const GROUP = "match:group:";
const RoundHeader = Round.omit({ groups: true }).extend({ groupCount: z.number().int().nonnegative() });
const Group = Round.shape.groups.element;
const MET = "match:met:";
const BUDDY = "match:buddy:";
/** Newest first: a round's row key counts down from the largest instant, so the latest rounds are the first rows. */
const roundKey = (id: string) => String(9_999_999_999_999 - Date.parse(id)).padStart(13, "0");

export class TableMatchingBook implements MatchingBook {
  constructor(
    private readonly table: TableClient,
    private readonly log: Logger,
  ) {}

  async settings(communityId: string): Promise<Versioned<MatchingSettings> | undefined> {
    const row = await getRow(this.table, communityPartition(communityId), SETTINGS);
    const value = row && fromRow(MatchingSettings, row, this.log);
    return value && row ? { value, etag: row.etag } : undefined;
  }

  async saveSettings(settings: MatchingSettings, etag?: string): Promise<void> {
    const row = toRow(MatchingSettings, communityPartition(settings.communityId), SETTINGS, "matchingSettings", settings);
    if (etag) await replaceRow(this.table, row, etag, "matching settings");
    else if ((await insertRow(this.table, row)) === "duplicate") throw new ConcurrencyError("matching settings");
  }

  async prefs(communityId: string): Promise<Map<PersonKey, MatchPrefs>> {
    const found = new Map<PersonKey, MatchPrefs>();
    let token: string | undefined;
    do {
      const page = await listPage(this.table, prefixFilter(communityPartition(communityId), PREF), MatchPrefs, this.log, { pageSize: 1000, continuationToken: token });
      for (const pref of page.items) found.set(pref.personKey, pref);
      token = page.continuationToken;
    } while (token);
    return found;
  }

  async pref(communityId: string, person: PersonKey): Promise<MatchPrefs | undefined> {
    const row = await getRow(this.table, communityPartition(communityId), `${PREF}${keyPart(person)}`);
    return row && fromRow(MatchPrefs, row, this.log);
  }

  async savePref(communityId: string, pref: MatchPrefs): Promise<void> {
    await this.table.upsertEntity(toRow(MatchPrefs, communityPartition(communityId), `${PREF}${keyPart(pref.personKey)}`, "matchPrefs", pref), "Replace");
  }

  /** The header row decides which run formed the round; its groups follow (a retry of that run rewrites the same rows). */
  async addRound(round: Round): Promise<"created" | "duplicate"> {
    const partition = communityPartition(round.communityId);
    const { groups, ...header } = round;
    const claimed = await insertRow(this.table, toRow(RoundHeader, partition, `${ROUND}${roundKey(round.id)}`, "matchRound", { ...header, groupCount: groups.length }));
    if (claimed === "duplicate") return "duplicate";
    const rows = groups.map((g, i) => toRow(Group, partition, `${GROUP}${roundKey(round.id)}:${String(i).padStart(5, "0")}`, "matchGroup", g));
    await upsertBatched(this.table, rows);
    return "created";
  }

  async round(communityId: string, id: string): Promise<Round | undefined> {
    if (Number.isNaN(Date.parse(id))) return undefined;
    const row = await getRow(this.table, communityPartition(communityId), `${ROUND}${roundKey(id)}`);
    const header = row && fromRow(RoundHeader, row, this.log);
    return header && this.withGroups(header);
  }

  async recentRounds(communityId: string, count: number): Promise<Round[]> {
    const page = await listPage(this.table, prefixFilter(communityPartition(communityId), ROUND), RoundHeader, this.log, { pageSize: count });
    const rounds = await Promise.all(page.items.slice(0, count).map((header) => this.withGroups(header)));
    return rounds.reverse();
  }

  private async withGroups({ groupCount: _count, ...header }: z.infer<typeof RoundHeader>): Promise<Round> {
    const groups: Round["groups"] = [];
    let token: string | undefined;
    do {
      const page = await listPage(this.table, prefixFilter(communityPartition(header.communityId), `${GROUP}${roundKey(header.id)}:`), Group, this.log, { pageSize: 1000, continuationToken: token });
      groups.push(...page.items);
      token = page.continuationToken;
    } while (token);
    return { ...header, groups };
  }

  async checkIn(communityId: string, answer: CheckIn): Promise<void> {
    const rowKey = `${MET}${roundKey(answer.roundId)}:${keyPart(answer.personKey)}`;
    await this.table.upsertEntity(toRow(CheckIn, communityPartition(communityId), rowKey, "matchCheckIn", answer), "Replace");
  }

  async checkIns(communityId: string, roundId: string): Promise<CheckIn[]> {
    const found: CheckIn[] = [];
    let token: string | undefined;
    do {
      const page = await listPage(this.table, prefixFilter(communityPartition(communityId), `${MET}${roundKey(roundId)}:`), CheckIn, this.log, { pageSize: 1000, continuationToken: token });
      found.push(...page.items);
      token = page.continuationToken;
    } while (token);
    return found;
  }

  addBuddy(communityId: string, buddy: Buddy): Promise<"created" | "duplicate"> {
    return insertRow(this.table, toRow(Buddy, communityPartition(communityId), `${BUDDY}${keyPart(buddy.newcomer)}`, "matchBuddy", buddy));
  }
}
