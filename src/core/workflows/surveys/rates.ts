import type { CoreDeps } from "../../ports.js";
import { audienceMembers } from "./audience.js";
import type { Survey } from "./model.js";
import { surveyState, type SurveyState } from "./tally.js";

/**
 * How many of those asked answered, per linked space (a member's space is the one their member row names).
 * Counted from who answered (for an anonymous survey found by each member's keyed hash, on the spot, while the
 * ballot key exists), never from the answers: no answer is ever stored with a space, so the split by space says
 * who took part where, never who answered what. At close, before the key goes, the counts are kept on the survey.
 */
export type SpaceRate = NonNullable<Survey["rates"]>[number];

export async function spaceRates(deps: CoreDeps, survey: Survey): Promise<SpaceRate[]> {
  const [members, spaces] = await Promise.all([audienceMembers(deps, survey), deps.repos.spaces.listForCommunity(survey.communityId)]);
  const answered = await deps.repos.surveys.answeredAmong(survey, members.map((m) => m.personKey));
  return spaces
    .map((space) => {
      const here = members.filter((m) => m.spaceKey === space.spaceKey);
      return { spaceKey: space.spaceKey, name: space.displayName.slice(0, 200), asked: here.length, answered: here.filter((m) => answered.has(m.personKey)).length };
    })
    .filter((r) => r.asked > 0)
    .slice(0, 50);
}

/** The rates a survey's results show: kept at close, or counted now while it is open. */
export const ratesOf = async (deps: CoreDeps, survey: Survey): Promise<SpaceRate[]> => (survey.status === "closed" ? (survey.rates ?? []) : spaceRates(deps, survey));

/** A survey's state for its results card, with answered / asked per linked space. */
export async function resultsState(deps: CoreDeps, survey: Survey): Promise<SurveyState> {
  const [state, rates] = await Promise.all([surveyState(deps, survey), ratesOf(deps, survey)]);
  return { ...state, spaces: rates.map(({ name, answered, asked }) => ({ name, answered, asked })) };
}
