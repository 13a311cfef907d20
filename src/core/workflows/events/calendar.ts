import { getVtimezoneComponent } from "@touch4it/ical-timezones";
import { ICalCalendar, ICalCalendarMethod, ICalEventStatus } from "ical-generator";
import { Temporal } from "temporal-polyfill";
import { z } from "zod";
import type { CoreDeps } from "../../ports.js";
import { tell } from "../../kernel/notice.js";
import { file, outcome } from "../../kernel/outcome.js";
import { command, route, routeUrl } from "../../kernel/workflow.js";
import { CALENDAR_FILE_VERB } from "./presenters.js";
import type { CopEvent } from "./model.js";
import { changeOf, occurrencesNow } from "./occurrences.js";
import { zonedStart } from "./recurrence.js";

/** What a calendar link's token may open: one event of one community, nothing else. */
const LINK_PURPOSE = "events.calendar";
const EXTENSION = ".ics";

/** A local date-time in RFC 5545's basic form (20271031T180000), as EXDATE;TZID wants it. */
const basic = (at: Temporal.ZonedDateTime) => at.toPlainDateTime().toString({ smallestUnit: "second" }).replace(/[-:]/g, "");

/**
 * The event as an iCalendar file: in its own zone (TZID, with the zone's VTIMEZONE), its RRULE when it
 * repeats, cancelled dates left out by EXDATE, each date changed on its own as its own VEVENT with the
 * original time as RECURRENCE-ID, and a UID that stays the same, so importing it again updates the entry
 * instead of adding one. A cancelled series (or one-off event) stays in calendars as CANCELLED.
 */
export function eventCalendar(event: CopEvent, options: { now: Date }): string {
  const start = zonedStart(event.start, event.zone);
  if (!start) throw new Error(`event ${event.id} has a start its zone cannot place`);
  const calendar = new ICalCalendar({ prodId: { company: "cop-companion", product: "events" }, method: ICalCalendarMethod.PUBLISH, name: event.title });
  // name: null keeps DTSTAMP in UTC; the generator adds a VTIMEZONE for each event's zone.
  calendar.timezone({ name: null, generator: getVtimezoneComponent });
  const dates = occurrencesNow(event);
  const zoned = (at: string) => Temporal.Instant.from(at).toZonedDateTimeISO(event.zone);
  const excluded = event.cancelled ? [] : dates.filter((o) => o.cancelled).map((o) => o.id);
  const exdate = excluded.length ? `\nEXDATE;TZID=${event.zone}:${excluded.map((at) => basic(zoned(at))).join(",")}` : "";
  const id = `${event.id}@${event.communityId}.cop-companion`;
  const description = (agenda: string, joinUrl?: string) => [agenda, joinUrl].filter(Boolean).join("\n\n") || null;
  const wholeCancelled = Boolean(event.cancelled) || (!event.rrule && excluded.length > 0);
  calendar.createEvent({
    id,
    stamp: options.now,
    start,
    end: start.add({ minutes: event.minutes }),
    timezone: event.zone,
    summary: event.title,
    description: description(event.agenda, event.joinUrl),
    location: event.joinUrl ?? null,
    url: event.joinUrl ?? null,
    repeating: event.rrule ? `RRULE:${event.rrule}${exdate}` : null,
    status: wholeCancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
  // Dates of a series changed on their own (moved, another length or words): overrides of the rule's date.
  if (event.rrule && !event.cancelled) {
    for (const o of dates.filter((d) => !d.cancelled && changeOf(event, d.id))) {
      calendar.createEvent({
        id,
        stamp: options.now,
        recurrenceId: zoned(o.id),
        start: zoned(o.at),
        end: zoned(o.at).add({ minutes: o.minutes }),
        timezone: event.zone,
        summary: o.title,
        description: description(o.agenda, o.joinUrl),
        location: o.joinUrl ?? null,
        url: o.joinUrl ?? null,
      });
    }
  }
  return calendar.toString();
}

/** The address of an event's calendar file: a token sealed with the app's key, so it cannot be guessed or forged. */
export async function calendarUrl(deps: CoreDeps, event: Pick<CopEvent, "communityId" | "id">): Promise<string | undefined> {
  if (!deps.links?.base()) return undefined;
  const token = await deps.sealer.sealLink(LINK_PURPOSE, [event.communityId, event.id]);
  return routeUrl(deps, "events", `calendar/${token}${EXTENSION}`);
}

/** A file name from the title: letters and digits kept, the rest one dash. */
const fileName = (title: string) => `${title.normalize("NFC").replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-+|-+$/g, "").slice(0, 60) || "event"}${EXTENSION}`;

const MISSING = { kind: "missing", reason: "No calendar file at this address: the link is wrong, or the event was deleted." } as const;

/** Serves an event's calendar file to whoever holds its link (calendar apps fetch it without signing in). */
export const calendarRoute = route({
  path: "calendar/:file",
  params: z.object({ file: z.string().max(400).regex(/^[\w-]+\.[\w-]+\.ics$/) }),
  async get({ file }, { deps }) {
    const named = await deps.sealer.openLink(LINK_PURPOSE, file.slice(0, -EXTENSION.length));
    const [communityId, eventId] = named ?? [];
    if (named?.length !== 2 || !communityId || !eventId) return MISSING;
    const stored = await deps.repos.events.get(communityId, eventId);
    if (!stored) return MISSING;
    return { kind: "file", contentType: "text/calendar; charset=utf-8", filename: fileName(stored.value.title), body: eventCalendar(stored.value, { now: deps.clock.now() }) };
  },
});

/**
 * The calendar file itself, sent to whoever asks (the button on the event's cards): for calendar apps that
 * cannot reach the app's link, and attached where each platform allows it (Slack: in their DM; Teams: a
 * file offered in their 1:1 chat).
 */
export const calendarFile = command({
  verb: CALENDAR_FILE_VERB,
  permission: "member",
  where: "community",
  input: z.object({ event: z.string().min(1).max(100) }),
  async handle(ctx, { event: eventId }) {
    const stored = await ctx.deps.repos.events.get(ctx.community.id, eventId);
    if (!stored) return outcome(tell("events.notFound", {}, "warning", true));
    const event = stored.value;
    return outcome(
      file({
        name: fileName(event.title),
        mime: "text/calendar; charset=utf-8",
        bytes: eventCalendar(event, { now: ctx.deps.clock.now() }),
        title: ctx.words.plain("events.calendarFile.title", { title: event.title }),
        summaryKey: "events.calendarFile.summary",
        summaryParams: { title: event.title },
      }),
    );
  },
});
