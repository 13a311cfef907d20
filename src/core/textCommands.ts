import { COMMUNITY_STATUSES, ROLES, type CommunityStatus, type PersonKey, type Role } from "./domain.js";
import type { Command } from "./commands.js";

/** A person named in a message (a Teams @mention or a Slack <@U123>), already resolved by the adapter. */
export interface Mention {
  personKey: PersonKey;
  displayName: string;
}

const WORDS: Array<[RegExp, Command["type"]]> = [
  [/^(help|\?|hi|hello|start)$/, "help"],
  [/^(setup|set up|create|new)$/, "community.setup.open"],
  [/^(charter|about|info|show charter)$/, "community.charter.show"],
  [/^(edit|edit charter|update charter)$/, "community.charter.edit"],
  [/^(roles|members|who|people)$/, "community.roles.show"],
];

const normalise = (text: string) => text.trim().replace(/\s+/g, " ").toLowerCase();

/**
 * Understands what a person typed (after the adapter removed the bot mention or slash command):
 * `help`, `setup`, `charter`, `edit`, `roles`, `status launched`, `assign co-facilitator @Ana`.
 */
export function parseTextCommand(text: string, mentions: Mention[] = []): Command {
  const said = normalise(text);
  for (const [pattern, type] of WORDS) if (pattern.test(said)) return { type } as Command;

  if (said === "link") return { type: "space.link.start" };
  const code = /^link ([a-z0-9 -]{4,40})$/.exec(said)?.[1];
  if (code) return { type: "space.link.redeem", code };

  const status = /^status (.+)$/.exec(said)?.[1]?.replace(/ /g, "-");
  if (status && (COMMUNITY_STATUSES as readonly string[]).includes(status)) {
    return { type: "community.status.set", status: status as CommunityStatus };
  }

  const assign = /^(assign|role|make)\b/.test(said);
  const role = ROLES.find((r) => new RegExp(`(^|\\s)${r}(\\s|$)`).test(said.replace(/co facilitator/, "co-facilitator")));
  if (assign && role && mentions.length === 1) {
    const [person] = mentions as [Mention];
    return { type: "community.role.assign", person: person.personKey, displayName: person.displayName, role: role as Role };
  }
  return { type: "unknown", text: text.trim() };
}
