import type { Member } from "../../domain.js";

/** One member whose shared profile matches a topic, with what matched (best first when sorted by `rank`). */
export interface Match {
  member: Member;
  score: number;
  expertise: string[];
  interests: string[];
}

/** Lower-case words of a text: letters and digits, in any script. */
export const wordsOf = (text: string): string[] => text.toLocaleLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** Two words match when equal, or when one starts with the other of at least 4 letters (pipeline/pipelines). */
const sameWord = (a: string, b: string) => a === b || (Math.min(a.length, b.length) >= 4 && (a.startsWith(b) || b.startsWith(a)));

/** How many of the topic's words an item holds, and whether it holds the whole topic as a phrase. */
function itemScore(item: string, topic: string[]): number {
  const words = wordsOf(item);
  const hits = topic.filter((t) => words.some((w) => sameWord(w, t))).length;
  const phrase = topic.length > 1 && ` ${words.join(" ")} `.includes(` ${topic.join(" ")} `);
  return hits + (phrase ? topic.length : 0);
}

/**
 * Members whose visible profile matches the topic (case-insensitive words), best first: the more of the topic
 * one item holds (the whole phrase best), the higher; at an equal match expertise comes before an interest,
 * then more matching items, then by name. Hidden profiles are never searched.
 */
export function findExperts(members: readonly Member[], topicText: string): Match[] {
  const topic = [...new Set(wordsOf(topicText))];
  if (topic.length === 0) return [];
  const found: Match[] = [];
  for (const member of members) {
    if (!member.profile.visible) continue;
    const expertise = member.profile.expertise.filter((e) => itemScore(e, topic) > 0);
    const interests = member.profile.interests.filter((i) => itemScore(i, topic) > 0);
    if (expertise.length + interests.length === 0) continue;
    const best = (items: string[]) => Math.max(0, ...items.map((i) => itemScore(i, topic)));
    found.push({ member, score: 2 * Math.max(best(expertise), best(interests)) + (best(expertise) >= best(interests) ? 1 : 0), expertise, interests });
  }
  return found.sort(
    (a, b) => b.score - a.score || b.expertise.length + b.interests.length - (a.expertise.length + a.interests.length) || a.member.displayName.localeCompare(b.member.displayName),
  );
}
