import type { TableClient } from "@azure/data-tables";
import type { Versioned } from "../../core/ports.js";
import type { EventBook } from "../../core/workflows/events/ports.js";
import type { Attendance, FollowUp } from "../../core/workflows/events/afterModel.js";
import { CopEvent, Rsvp, type Answer, type BeforeSettings, type Tally } from "../../core/workflows/events/model.js";
import { answersUnder, beforeSettings, mutedPeople, saveBeforeSettings, setMuted } from "./before.js";
import type { Logger } from "../../log.js";
import { communityPartition } from "../communities.js";
import { fromRow, getRow, insertRow, keyPart, listPage, prefixFilter, replaceRow, toRow } from "../entity.js";
import { readAttendance, readFollowUp, writeAttendance, writeFollowUp } from "./after.js";
import { CountedAnswers, recount, rsvpPrefix, rsvpRow } from "./tally.js";

const eventRow = (id: string) => `e:${keyPart(id)}`;
/** One row per person per occurrence, so an answer replaces only that person's earlier one. */

/** Events and their answers live in their community's partition (`c:<id>`), beside its members. */
export class TableEventBook implements EventBook {
  private readonly counted: CountedAnswers;

  constructor(
    private readonly table: TableClient,
    private readonly log: Logger,
  ) {
    this.counted = new CountedAnswers(table, log);
  }

  create(event: CopEvent): Promise<"created" | "duplicate"> {
    return insertRow(this.table, toRow(CopEvent, communityPartition(event.communityId), eventRow(event.id), "event", event));
  }

  async get(communityId: string, id: string): Promise<Versioned<CopEvent> | undefined> {
    const row = await getRow(this.table, communityPartition(communityId), eventRow(id));
    const value = row && fromRow(CopEvent, row, this.log);
    return value && row ? { value, etag: row.etag } : undefined;
  }

  async all(communityId: string): Promise<CopEvent[]> {
    return this.upcoming(communityId, new Date(0));
  }

  update(event: CopEvent, etag: string): Promise<string> {
    return replaceRow(this.table, toRow(CopEvent, communityPartition(event.communityId), eventRow(event.id), "event", event), etag, "event");
  }

  async upcoming(communityId: string, from: Date): Promise<CopEvent[]> {
    const found: CopEvent[] = [];
    let token: string | undefined;
    do {
      const page = await listPage(this.table, prefixFilter(communityPartition(communityId), "e:"), CopEvent, this.log, { pageSize: 500, continuationToken: token });
      found.push(...page.items.filter((e) => Date.parse(e.lastAt) >= from.getTime()));
      token = page.continuationToken;
    } while (token);
    return found;
  }

  answer(communityId: string, rsvp: Rsvp): Promise<void> {
    return this.counted.answer(communityId, rsvp);
  }

  tally(communityId: string, eventId: string, occurrence: string): Promise<Tally> {
    return this.counted.tally(communityId, eventId, occurrence);
  }

  recount(communityId: string, eventId: string, occurrence: string): Promise<Tally> {
    return recount(this.table, this.log, communityId, eventId, occurrence);
  }

  async answerOf(communityId: string, eventId: string, occurrence: string, person: string): Promise<Answer | undefined> {
    const row = await getRow(this.table, communityPartition(communityId), rsvpRow({ eventId, occurrence, personKey: person }));
    return (row && fromRow(Rsvp, row, this.log))?.answer;
  }

  /** One occurrence's answers, or (without one) every answer to the event. */
  answers(communityId: string, eventId: string, occurrence?: string): Promise<Rsvp[]> {
    return answersUnder(this.table, this.log, communityId, occurrence ? rsvpPrefix(eventId, occurrence) : `r:${keyPart(eventId)}:`);
  }

  beforeSettings(communityId: string): Promise<BeforeSettings | undefined> {
    return beforeSettings(this.table, this.log, communityId);
  }

  saveBeforeSettings(communityId: string, settings: BeforeSettings): Promise<void> {
    return saveBeforeSettings(this.table, communityId, settings);
  }

  setMuted(communityId: string, personKey: string, muted: boolean, at: Date): Promise<void> {
    return setMuted(this.table, communityId, personKey, muted, at);
  }

  muted(communityId: string): Promise<Set<string>> {
    return mutedPeople(this.table, this.log, communityId);
  }

  attendance = (communityId: string, eventId: string, occurrence: string) => readAttendance(this.table, this.log, communityId, eventId, occurrence);
  confirmAttendance = (communityId: string, attendance: Attendance) => writeAttendance(this.table, communityId, attendance);
  followUp = (communityId: string, eventId: string, occurrence: string) => readFollowUp(this.table, this.log, communityId, eventId, occurrence);
  archiveFollowUp = (communityId: string, followUp: FollowUp) => writeFollowUp(this.table, communityId, followUp);
}
