import { Temporal } from "temporal-polyfill";
import type { MessageKey } from "../../i18n/index.js";
import type { CommunityContext } from "../../kernel/workflow.js";
import { eventByTypedId, liveOccurrences } from "../events/occurrences.js";
import type { SurveyAudience } from "./model.js";
import type { PollAudience } from "./pollLine.js";

type Resolved = { value: SurveyAudience | undefined } | { error: MessageKey; event?: string };

/**
 * The audience a quick poll line names: everyone, this space, or an event date's RSVPs (going or maybe) or
 * attendees. The date is the event's own calendar day; without one, `going` asks about the next date still to
 * come and `attended` about the last one that has begun.
 */
export async function pollAudienceOf(ctx: CommunityContext, typed: PollAudience): Promise<Resolved> {
  if (typed.kind === "community") return { value: undefined };
  if (typed.kind === "space") return { value: { kind: "space", spaceKey: ctx.request.space.spaceKey } };
  const found = await eventByTypedId(ctx.deps, ctx.community.id, typed.event);
  if (found === "none") return { error: "surveys.poll.error.noEvent", event: typed.event };
  if (found === "several") return { error: "surveys.poll.error.severalEvents", event: typed.event };
  const event = found.value;
  const dates = liveOccurrences(event);
  const now = ctx.deps.clock.now().getTime();
  const o = typed.date
    ? dates.find((x) => Temporal.Instant.from(x.at).toZonedDateTimeISO(event.zone).toPlainDate().toString() === typed.date)
    : typed.kind === "rsvp"
      ? dates.find((x) => Date.parse(x.at) > now)
      : dates.filter((x) => Date.parse(x.at) <= now).at(-1);
  if (!o) return { error: typed.date ? "surveys.poll.error.noDate" : "surveys.poll.error.whichDate", event: typed.event };
  return { value: { kind: typed.kind, eventId: event.id, occurrence: o.id, eventTitle: o.title.slice(0, 200), eventAt: o.at } };
}
