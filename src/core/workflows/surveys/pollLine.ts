import { SURVEY_LIMITS } from "./model.js";

/** Who a quick poll asks, as typed: everyone (default), this space, or an event date's RSVPs or attendees. */
export type PollAudience = { kind: "community" } | { kind: "space" } | { kind: "rsvp" | "attended"; event: string; date?: string };

/** What a quick poll line says, or why it cannot be read (a catalog key's last part). */
export type PollLine =
  | { ok: true; named: boolean; audience: PollAudience; question: string; options: string[] }
  | { ok: false; why: "shape" | "options" | "duplicate" | "tooLong" | "event" | "quote" };

/** Words in straight or curly quotes (Slack and phones turn "…" into “…”), or single words. */
const TOKEN = /"([^"]*)"|“([^”]*)”|(\S+)/g;
const QUOTED = /^(?:"([^"]+)"|“([^”]+)”)\s*/;
/** A question in quotes comes next (after `named` or `anonymous`, when the privacy follows the audience). */
const QUOTE_AHEAD = /^(?:(?:named|anonymous)\s+)?["“]/i;
/** `for going EVENT [DATE]` / `for attended EVENT [DATE]`: an event's typed id, then an optional day. */
const FOR_EVENT = /^for\s+(going|attended)(?:\s+(?!["“])(\S+)(?:\s+(\d{4}-\d{2}-\d{2}))?)?(?:\s+|$)/i;

/** The words before the question: `named`/`anonymous` and an audience, in either order. */
function head(line: string): { named: boolean; audience: PollAudience; rest: string } | { why: "event" | "quote" } {
  let rest = line;
  let named: boolean | undefined;
  let audience: PollAudience | undefined;
  for (let i = 0; i < 2; i++) {
    const privacy = /^(named|anonymous)\s+/i.exec(rest);
    if (privacy && named === undefined) {
      named = privacy[1]!.toLowerCase() === "named";
      rest = rest.slice(privacy[0].length);
      continue;
    }
    // `here` is an ordinary word too: it names the audience only before a question in quotes (old lines read as before).
    const here = /^here\s+/i.exec(rest);
    if (here && !audience && QUOTE_AHEAD.test(rest.slice(here[0].length))) {
      audience = { kind: "space" };
      rest = rest.slice(here[0].length);
      continue;
    }
    const forEvent = FOR_EVENT.exec(rest);
    if (forEvent && !audience) {
      if (!forEvent[2]) return { why: "event" };
      rest = rest.slice(forEvent[0].length);
      if (!QUOTE_AHEAD.test(rest)) return { why: "quote" };
      audience = { kind: forEvent[1]!.toLowerCase() === "going" ? "rsvp" : "attended", event: forEvent[2], ...(forEvent[3] ? { date: forEvent[3] } : {}) };
      continue;
    }
    break;
  }
  return { named: named ?? false, audience: audience ?? { kind: "community" }, rest };
}

/**
 * The quick poll grammar, as the help documents it:
 * `poll [named] [here | for going EVENT [DATE] | for attended EVENT [DATE]] QUESTION OPTION OPTION …`
 * where QUESTION is in quotes, or runs up to its first `?` (in quotes when an audience is given);
 * each option is one word, or several in quotes. 2 to 10 options, all different.
 */
export function parsePollLine(line: string): PollLine {
  const start = head(line.trim());
  if ("why" in start) return { ok: false, why: start.why };
  const { named, audience } = start;
  let rest = start.rest;
  let question: string;
  const quoted = QUOTED.exec(rest);
  if (quoted) {
    question = (quoted[1] ?? quoted[2] ?? "").trim();
    rest = rest.slice(quoted[0].length);
  } else {
    const mark = rest.indexOf("?");
    if (mark < 0) return { ok: false, why: "shape" };
    question = rest.slice(0, mark + 1).trim();
    rest = rest.slice(mark + 1);
  }
  const options = [...rest.matchAll(TOKEN)].map((m) => (m[1] ?? m[2] ?? m[3] ?? "").trim()).filter(Boolean);
  if (!question) return { ok: false, why: "shape" };
  if (options.length < SURVEY_LIMITS.options.min || options.length > SURVEY_LIMITS.options.max) return { ok: false, why: "options" };
  if (question.length > SURVEY_LIMITS.title || options.some((o) => o.length > SURVEY_LIMITS.option)) return { ok: false, why: "tooLong" };
  if (new Set(options.map((o) => o.toLowerCase())).size !== options.length) return { ok: false, why: "duplicate" };
  return { ok: true, named, audience, question, options };
}
