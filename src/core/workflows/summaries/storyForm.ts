import type { FormSpec } from "../../kernel/forms.js";
import { STORY_LIMITS as L, type StoryKind } from "./model.js";

/** What a member submits: checked by the kernel's field rules, then here. */
export interface StoryInput {
  kind: StoryKind;
  title: string;
  body: string;
  link?: string;
  shareWithSponsor: boolean;
}

export const STORY_SUBMIT = "summaries.story.submit";
export const STORY_OPEN = "summaries.story";

/** A success story or a reflection on a shift in practice (Teams card, Slack modal); what was typed is kept on errors. */
export const storyForm: FormSpec<StoryInput> = {
  name: "summaries.story",
  verb: STORY_SUBMIT,
  title: "summaries.form.title",
  submit: "summaries.form.submit",
  intro: "summaries.form.intro",
  opener: STORY_OPEN,
  fields: [
    {
      name: "kind",
      kind: "choice",
      label: "summaries.field.kind",
      required: true,
      choices: [
        { value: "success", label: "summaries.field.kind.success" },
        { value: "reflection", label: "summaries.field.kind.reflection" },
      ],
    },
    { name: "title", kind: "shortText", label: "summaries.field.title", required: true, max: L.title },
    { name: "body", kind: "longText", label: "summaries.field.body", hint: "summaries.field.body.hint", required: true, max: L.body },
    { name: "link", kind: "url", label: "summaries.field.link", hint: "summaries.field.link.hint", max: L.link },
    {
      name: "share",
      kind: "choice",
      label: "summaries.field.share",
      hint: "summaries.field.share.hint",
      required: true,
      choices: [
        { value: "yes", label: "summaries.field.share.yes" },
        { value: "no", label: "summaries.field.share.no" },
      ],
    },
  ],
  toInput(values) {
    const text = (name: string) => (typeof values[name] === "string" ? (values[name] as string) : "");
    const link = text("link");
    return { ok: true, value: { kind: text("kind") === "reflection" ? "reflection" : "success", title: text("title"), body: text("body"), ...(link ? { link } : {}), shareWithSponsor: text("share") === "yes" } };
  },
};
