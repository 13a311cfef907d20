import { SURVEY_LIMITS } from "./model.js";

/** What a quick poll line says, or why it cannot be read (a catalog key's last part). */
export type PollLine =
  | { ok: true; named: boolean; question: string; options: string[] }
  | { ok: false; why: "shape" | "options" | "duplicate" | "tooLong" };

/** Words in straight or curly quotes (Slack and phones turn "…" into “…”), or single words. */
const TOKEN = /"([^"]*)"|“([^”]*)”|(\S+)/g;

/**
 * The quick poll grammar, as the help documents it:
 * `poll [named] QUESTION OPTION OPTION …` where QUESTION is in quotes, or runs up to its first `?`;
 * each option is one word, or several in quotes. 2 to 10 options, all different.
 */
export function parsePollLine(line: string): PollLine {
  let rest = line.trim();
  const named = /^named\s/i.test(rest);
  if (named) rest = rest.replace(/^named\s+/i, "");
  else rest = rest.replace(/^anonymous\s+/i, "");
  let question: string;
  const quoted = /^(?:"([^"]+)"|“([^”]+)”)\s*/.exec(rest);
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
  return { ok: true, named, question, options };
}
