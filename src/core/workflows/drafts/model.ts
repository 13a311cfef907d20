import { z } from "zod";
import type { DraftedFollowUp } from "../../ports.js";
import type { RawValues } from "../../kernel/forms.js";
import { FOLLOW_UP_LIMITS as L } from "../events/afterModel.js";

/** How much a steward may paste: enough for a meeting's notes, within a Slack modal's input (3,000 characters). */
export const NOTES_MAX = 3000;

const line = z.string().trim();
/**
 * What a model must answer for a draft (JSON). Generous on sizes: the pre-filled form clips to its own limits
 * and the steward edits it; anything of the wrong shape is refused as malformed.
 */
export const DraftedFollowUpSchema = z
  .object({
    discussed: line.min(1).max(20_000),
    decisions: z.array(line).max(100),
    actions: z.array(z.object({ owner: line.max(500), action: line.min(1).max(2000) }).strict()).max(100),
    resources: z.array(line).max(100),
    nextSteps: line.max(20_000),
  })
  .strict();

/** The JSON schema the model is asked to follow (structured output), the same shape as above. */
export const DRAFT_JSON_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["discussed", "decisions", "actions", "resources", "nextSteps"],
  properties: {
    discussed: { type: "string", description: "What was discussed, a short paragraph." },
    decisions: { type: "array", items: { type: "string" }, description: "Each decision taken, one sentence each." },
    actions: {
      type: "array",
      items: { type: "object", additionalProperties: false, required: ["owner", "action"], properties: { owner: { type: "string" }, action: { type: "string" } } },
      description: "Each action item with the name of its owner as the notes give it (empty owner if none).",
    },
    resources: { type: "array", items: { type: "string" }, description: "Web links (https://…) that appear in the notes; none invented." },
    nextSteps: { type: "string", description: "Next steps, a short paragraph, or empty." },
  },
} as const;

const clip = (text: string, max: number) => [...text].slice(0, max).join("");
const isWebLink = (text: string) => {
  try {
    return ["http:", "https:"].includes(new URL(text).protocol);
  } catch {
    return false;
  }
};

/**
 * A draft as the follow-up form's values, within the form's limits (lines one per line, `owner: action`), so
 * the steward starts from something the form accepts. Only links that are web links are kept.
 */
export function draftValues(d: DraftedFollowUp, fallbackOwner: string): RawValues {
  const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();
  return {
    discussed: clip(d.discussed, L.discussed),
    decisions: d.decisions.map(oneLine).filter(Boolean).slice(0, L.decisions).map((t) => clip(t, L.line)).join("\n"),
    actions: d.actions
      .slice(0, L.actions)
      .map((a) => `${clip(oneLine(a.owner).replace(/:/g, " ") || fallbackOwner, 80)}: ${oneLine(a.action)}`)
      .map((t) => clip(t, L.line))
      .join("\n"),
    resources: d.resources.map(oneLine).filter((r) => isWebLink(r) && r.length <= L.url).slice(0, L.resources).join("\n"),
    nextSteps: clip(d.nextSteps, L.nextSteps),
  };
}
