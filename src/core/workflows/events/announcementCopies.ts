import { z } from "zod";
import { refreshCopies, type Effect } from "../../kernel/outcome.js";
import { copySource } from "../../kernel/workflow.js";
import { answerable, occurrenceView } from "./occurrences.js";
import type { OccurrenceData } from "./presenters.js";

const ANNOUNCEMENT_SOURCE = "events.announcement";

/** The key an occurrence's announcement copies are kept by, in every linked space. */
export const announcementCopies = (communityId: string, d: Pick<OccurrenceData, "eventId" | "occurrence" | "at">) =>
  `events:announcement:${communityId}:${d.eventId}:${d.occurrence ?? d.at}`;

/** The announcement of one occurrence as it is now (its counts read when the refresh runs); none once it is cancelled or gone. */
export const announcementSource = copySource({
  name: ANNOUNCEMENT_SOURCE,
  args: z.object({ communityId: z.string().min(1), eventId: z.string().min(1), occurrence: z.string().min(1) }),
  async load({ communityId, eventId, occurrence }, deps) {
    const stored = await deps.repos.events.get(communityId, eventId);
    const found = stored && answerable(stored.value, occurrence);
    if (!stored || !found?.ok) return undefined;
    return { presenter: "events.announcement", data: await occurrenceView(deps, stored.value, found.occurrence) };
  },
});

/** Every copy of this occurrence's announcement shows its counts again (coalesced across a burst of answers). */
export const refreshAnnouncement = (communityId: string, d: OccurrenceData): Effect =>
  refreshCopies(announcementCopies(communityId, d), ANNOUNCEMENT_SOURCE, { communityId, eventId: d.eventId, occurrence: d.occurrence ?? d.at });
