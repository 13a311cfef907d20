import { z } from "zod";
import { refreshCopies, type Effect } from "../../kernel/outcome.js";
import { copySource } from "../../kernel/workflow.js";
import type { Survey } from "./model.js";
import { surveyState } from "./tally.js";

const POLL_SOURCE = "surveys.poll";

/** The key a poll's copies are kept by, in every linked space. */
export const pollCopies = (s: Pick<Survey, "communityId" | "id">) => `surveys:poll:${s.communityId}:${s.id}`;

/** A poll's card as it is now: its counts read when the refresh runs (a closed one with its final counts, no buttons). */
export const pollSource = copySource({
  name: POLL_SOURCE,
  args: z.object({ communityId: z.string().min(1), surveyId: z.string().min(1) }),
  async load({ communityId, surveyId }, deps) {
    const stored = await deps.repos.surveys.get(communityId, surveyId);
    if (stored?.value.style !== "poll") return undefined;
    return { presenter: "surveys.poll", data: await surveyState(deps, stored.value) };
  },
});

/** Every copy of the poll shows its counts again (coalesced across a burst of votes). */
export const refreshPoll = (s: Pick<Survey, "communityId" | "id" | "style">): Effect[] =>
  s.style === "poll" ? [refreshCopies(pollCopies(s), POLL_SOURCE, { communityId: s.communityId, surveyId: s.id })] : [];
