import type { FormSpec } from "../../kernel/forms.js";
import { linkProblem, parseTags, RESOURCE_LIMITS as L } from "./model.js";

/** What sharing records, from the form or a typed line: checked, tags normalised, title still optional. */
export interface ShareInput {
  url: string;
  title: string;
  tags: string[];
  note: string;
}

export const SHARE_SUBMIT = "knowledge.share.submit";

/** The share form: link, title, tags, note; each problem beside its field, what was typed kept. */
export const shareForm: FormSpec<ShareInput> = {
  name: "knowledge.share",
  verb: SHARE_SUBMIT,
  title: "knowledge.share.form.title",
  submit: "knowledge.share.form.submit",
  intro: "knowledge.share.form.intro",
  opener: "knowledge.share",
  fields: [
    { name: "url", kind: "url", label: "knowledge.field.url", hint: "knowledge.field.url.hint", required: true, max: L.url },
    { name: "title", kind: "shortText", label: "knowledge.field.title", hint: "knowledge.field.title.hint", max: L.title },
    { name: "tags", kind: "shortText", label: "knowledge.field.tags", hint: "knowledge.field.tags.hint", max: L.tagsField },
    { name: "note", kind: "longText", label: "knowledge.field.note", hint: "knowledge.field.note.hint", max: L.note },
  ],
  toInput(values, words) {
    const text = (name: string) => (typeof values[name] === "string" ? (values[name] as string) : "");
    const errors: Record<string, string> = {};
    const url = text("url");
    const problem = linkProblem(url);
    if (problem) errors.url = words.plain(`knowledge.error.field.${problem}`, { max: L.url });
    const tags = parseTags(text("tags").split(/[\s,]+/));
    if (!tags.ok) errors.tags = words.plain(`knowledge.error.field.${tags.why}`, { tag: tags.tag, max: tags.why === "tooManyTags" ? L.tags : L.tag });
    if (Object.keys(errors).length || !tags.ok) return { ok: false, errors };
    return { ok: true, value: { url, title: text("title"), tags: tags.tags, note: text("note") } };
  },
};
