import { Temporal } from "temporal-polyfill";
import type { MessageKey } from "../../i18n/index.js";
import type { CommunityContext } from "../../kernel/workflow.js";
import { eventByTypedId, liveOccurrences } from "../events/occurrences.js";
import type { SurveyAudience } from "./model.js";
import type { SurveyDraft } from "./surveyForm.js";

type Resolved = { value: SurveyAudience | undefined } | { field: string; error: MessageKey };

/** The audience a steward chose in the survey form: the space it was started in, or an event's date found by typed id and date. */
export async function audienceOfDraft(ctx: CommunityContext, draft: Pick<SurveyDraft, "audience" | "event" | "eventDate" | "zone">): Promise<Resolved> {
  if (draft.audience === "community") return { value: undefined };
  if (draft.audience === "space" && ctx.request.space.personal) return { field: "audience", error: "surveys.error.spaceHere" };
  if (draft.audience === "space") return { value: { kind: "space", spaceKey: ctx.request.space.spaceKey } };
  if (!draft.event) return { field: "event", error: "surveys.error.eventNeeded" };
  const found = await eventByTypedId(ctx.deps, ctx.community.id, draft.event);
  if (found === "none") return { field: "event", error: "events.notFound" };
  if (found === "several") return { field: "event", error: "surveys.error.eventSeveral" };
  if (!draft.eventDate) return { field: "eventDate", error: "surveys.error.dateNeeded" };
  const o = liveOccurrences(found.value).find((x) => Temporal.Instant.from(x.at).toZonedDateTimeISO(draft.zone).toPlainDate().toString() === draft.eventDate);
  if (!o) return { field: "eventDate", error: "surveys.error.noDate" };
  return { value: { kind: draft.audience, eventId: found.value.id, occurrence: o.id } };
}
