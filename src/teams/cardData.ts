import { LIMITS, PURPOSES } from "../core/domain.js";
import type { CharterField } from "../core/commands.js";
import type { CommandType } from "../core/commands.js";
import { spaceLabel, t, tRef, type MessageKey } from "../core/i18n/index.js";
import { progressText } from "../core/i18n/progress.js";
import type { MessageRef, View, ViewKind, ViewOf } from "../core/views.js";

/** How much of a view's lists and free text a card may carry; tightened until the card fits. */
export interface Budget {
  listItems: number;
  textChars: number;
}

/** What a template in cards/ is expanded with: every label already in the reader's language. */
export interface CardData {
  fallback: string;
  [key: string]: unknown;
}

interface CardAction {
  title: string;
  verb: CommandType;
}

type Builder<K extends ViewKind> = (view: ViewOf<K>, budget: Budget) => CardData;

export const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text);

/** Markdown emphasis and code marks removed, for fallback text that clients show as plain text. */
export const plain = (text: string): string => text.replace(/\*\*|`/g, "");

// What Teams' card markdown acts on anywhere in a line (emphasis, code, links, images, autolinks), and at
// a line's start only (headings, quotes, list items). Parentheses need no escape once brackets have one.
const MARKDOWN_CHARS = /[\\`*_[\]~<]/g;
const LINE_MARKER = /^(\s*)(>|(?:#{1,6}|[+-]|\d+[.)])(?=\s|$))/gm;

/**
 * Backslash-escapes what Teams renders as markdown in a TextBlock or fact, so text people typed (a charter,
 * a name) shows as typed and never as a link or formatting. Apply to values, before they go into a message.
 */
export const escapeMarkdown = (text: string): string =>
  text.replace(MARKDOWN_CHARS, "\\$&").replace(LINE_MARKER, (_, space: string, marker: string) => `${space}${marker.slice(0, -1)}\\${marker.slice(-1)}`);

/** A catalog message with its people-supplied parameters escaped; the catalog's own emphasis stays markdown. */
const escapeRef = (ref: MessageRef): MessageRef => ({
  key: ref.key,
  params: Object.fromEntries(Object.entries(ref.params ?? {}).map(([name, value]) => [name, typeof value === "string" ? escapeMarkdown(value) : value])),
});

const action = (locale: string, key: MessageKey, verb: CommandType): CardAction => ({ title: t(locale, key), verb });

/** The first `max` items and, when some were left out, the "…and N more" line. */
function cut<T>(items: readonly T[], max: number, locale: string, omittedElsewhere = 0): { items: T[]; more: string } {
  const kept = items.slice(0, max);
  const omitted = items.length - kept.length + omittedElsewhere;
  return { items: kept, more: omitted > 0 ? t(locale, "list.more", { count: omitted }) : "" };
}

const help: Builder<"help"> = (view) => {
  const { locale } = view;
  const title = t(locale, "help.title");
  const hasCommunity = view.communityName !== undefined;
  const names: Array<[MessageKey, MessageKey]> = [["help.usage.help", "help.cmd.help"]];
  if (!hasCommunity) names.push(["help.usage.setup", "help.cmd.setup"], ["help.usage.linkCode", "help.cmd.linkCode"]);
  else {
    names.push(["help.usage.charter", "help.cmd.charter"], ["help.usage.roles", "help.cmd.roles"]);
    if (view.canManage) {
      names.push(
        ["help.usage.edit", "help.cmd.edit"],
        ["help.usage.assign", "help.cmd.assign"],
        ["help.usage.status", "help.cmd.status"],
        ["help.usage.link", "help.cmd.link"],
      );
    }
  }
  const actions = !hasCommunity
    ? [action(locale, "action.setup", "community.setup.open")]
    : [action(locale, "action.charter", "community.charter.show"), action(locale, "action.roles", "community.roles.show")];
  if (hasCommunity && view.canManage) actions.push(action(locale, "action.edit", "community.charter.edit"));
  return {
    fallback: t(locale, "app.fallback", { title }),
    title,
    intro: view.intro ? tRef(locale, escapeRef(view.intro)) : "",
    context: hasCommunity ? t(locale, "help.intro.community", { name: escapeMarkdown(view.communityName ?? "") }) : t(locale, "help.intro.none"),
    commands: names.map(([usage, description]) => ({ usage: t(locale, usage), description: t(locale, description) })),
    mentionHint: t(locale, "teams.mentionHint", { bot: t(locale, "app.name") }),
    actions,
  };
};

const TEXT_FIELDS: Record<Exclude<CharterField, "purposes">, { multiline: boolean; maxLength: number; required: boolean; placeholder?: MessageKey }> = {
  name: { multiline: false, maxLength: LIMITS.name, required: true, placeholder: "field.name.placeholder" },
  domain: { multiline: false, maxLength: LIMITS.shortText, required: true, placeholder: "field.domain.placeholder" },
  audience: { multiline: false, maxLength: LIMITS.shortText, required: true, placeholder: "field.audience.placeholder" },
  // One item per line: room for every item at full length plus its line break.
  goals: { multiline: true, maxLength: LIMITS.listItems * (LIMITS.shortText + 1), required: false },
  outcomes: { multiline: true, maxLength: LIMITS.listItems * (LIMITS.shortText + 1), required: false },
  participation: { multiline: true, maxLength: LIMITS.longText, required: false },
  contribution: { multiline: true, maxLength: LIMITS.longText, required: false },
  conflictResolution: { multiline: true, maxLength: LIMITS.longText, required: false },
};

const charterForm: Builder<"charterForm"> = (view, budget) => {
  const { locale, values, errors } = view;
  const title = t(locale, view.mode === "create" ? "form.create.title" : "form.edit.title");
  // Errors come formatted by the core, some quoting what was typed; none uses markdown of its own.
  const error = (field: CharterField) => (errors[field] ? `⚠ ${escapeMarkdown(errors[field])}` : "");
  const field = (id: Exclude<CharterField, "purposes">) => {
    const spec = TEXT_FIELDS[id];
    return {
      id,
      label: t(locale, `field.${id}`),
      placeholder: spec.placeholder ? t(locale, spec.placeholder) : "",
      // A bounced-back value may be longer than the field allows (that is the error): keep a little over the limit.
      value: clip(values[id], Math.min(spec.maxLength + 100, budget.textChars * 4)),
      multiline: spec.multiline,
      maxLength: spec.maxLength,
      required: spec.required,
      requiredMessage: t(locale, "error.required"),
      error: error(id),
    };
  };
  return {
    fallback: t(locale, "app.fallback", { title }),
    title,
    intro: t(locale, "form.intro"),
    errorsIntro: Object.keys(errors).length > 0 ? `⚠ ${t(locale, "form.errors")}` : "",
    before: (["name", "domain", "audience"] as const).map(field),
    purposes: {
      label: t(locale, "field.purposes"),
      value: values.purposes.filter((p) => (PURPOSES as readonly string[]).includes(p)).join(","),
      requiredMessage: t(locale, "error.purposes"),
      error: error("purposes"),
      choices: PURPOSES.map((p) => ({ title: t(locale, `purpose.${p}`), value: p })),
    },
    after: (["goals", "outcomes", "participation", "contribution", "conflictResolution"] as const).map(field),
    submit:
      view.mode === "create"
        ? action(locale, "action.create", "community.setup")
        : action(locale, "action.save", "community.charter.update"),
  };
};

const charter: Builder<"charter"> = (view, budget) => {
  const { locale, charter: c } = view;
  const none = t(locale, "charter.none");
  // Everything in the charter, and every name, was typed by someone: shown as typed, never as markdown.
  const typed = (value: string) => escapeMarkdown(clip(value, budget.textChars));
  const text = (value: string) => typed(value) || none;
  const list = (heading: MessageKey, items: readonly string[], fromPeople: boolean) => {
    const { items: kept, more } = cut(items, budget.listItems, locale);
    return { heading: t(locale, heading), items: kept.map((i) => (fromPeople ? typed(i) : i)), none: kept.length ? "" : none, more };
  };
  const spaces = cut(view.spaces, budget.listItems, locale);
  const spaceNames = spaces.items.map((s) => spaceLabel(locale, { ...s, displayName: escapeMarkdown(s.displayName) }));
  const stewards = cut(view.stewards.map(escapeMarkdown), budget.listItems, locale);
  const joined = (names: string[], more: string) => [new Intl.ListFormat(locale, { type: "conjunction" }).format(names), more].filter(Boolean).join(" ");
  const guidelines = (["participation", "contribution", "conflictResolution"] as const)
    .filter((g) => c.guidelines[g].trim() !== "")
    .map((g) => ({ title: t(locale, `field.${g}`), value: typed(c.guidelines[g]) }));
  const actions = view.canManage
    ? [action(locale, "action.edit", "community.charter.edit"), action(locale, "action.roles", "community.roles.show")]
    : [action(locale, "action.roles", "community.roles.show")];
  return {
    fallback: t(locale, "app.fallback", { title: c.name }),
    title: t(locale, "charter.title", { name: escapeMarkdown(c.name) }),
    members: t(locale, "charter.members", { count: view.memberCount }),
    facts: [
      { title: t(locale, "charter.status"), value: t(locale, `status.${view.status}`) },
      { title: t(locale, "charter.domain"), value: text(c.domain) },
      { title: t(locale, "charter.audience"), value: text(c.audience) },
      { title: t(locale, "charter.stewards"), value: joined(stewards.items, stewards.more) || none },
      { title: t(locale, "charter.spaces"), value: joined(spaceNames, spaces.more) || none },
    ],
    sections: [
      list("charter.purposes", c.purposes.map((p) => t(locale, `purpose.${p}`)), false),
      list("charter.goals", c.goals, true),
      list("charter.outcomes", c.outcomes, true),
    ],
    guidelines: { heading: t(locale, "charter.guidelines"), facts: guidelines, none },
    actions,
  };
};

const roles: Builder<"roles"> = (view, budget) => {
  const { locale } = view;
  const title = t(locale, "roles.title", { name: escapeMarkdown(view.communityName) });
  const kept = view.people.slice(0, budget.listItems);
  const omitted = view.people.length - kept.length + view.omitted;
  return {
    fallback: t(locale, "app.fallback", { title: t(locale, "roles.title", { name: view.communityName }) }),
    title,
    people: kept.map((p) => ({ name: escapeMarkdown(clip(p.displayName, budget.textChars)), role: t(locale, `role.${p.role}`) })),
    more: omitted > 0 ? t(locale, "roles.omitted", { count: omitted }) : "",
    empty: view.people.length === 0 && view.omitted === 0 ? t(locale, "roles.empty") : "",
    actions: [action(locale, "action.charter", "community.charter.show")],
  };
};

// A glyph and a container style per tone, so the tone never rests on colour alone.
const TONES = {
  info: { glyph: "ℹ️", style: "emphasis" },
  success: { glyph: "✅", style: "good" },
  warning: { glyph: "⚠️", style: "warning" },
  error: { glyph: "⛔", style: "attention" },
} as const;

const notice: Builder<"notice"> = (view, budget) => {
  const message = clip(tRef(view.locale, escapeRef(view.message)), budget.textChars * 2);
  const fallback = plain(clip(tRef(view.locale, view.message), budget.textChars * 2));
  return { fallback, message, ...TONES[view.tone], actions: [] };
};

// The state is in the glyph and the words as well as the container's colour.
const PROGRESS_LOOKS = {
  sending: { glyph: "⏳", style: "emphasis" },
  doneAll: { glyph: "✅", style: "good" },
  doneSome: { glyph: "⚠️", style: "warning" },
} as const;

const progress: Builder<"progress"> = (view) => {
  const text = progressText({ ...view, title: escapeRef(view.title) });
  const { title, status, facts, notes, footer } = text;
  return { fallback: progressText(view).summary, title, status, facts, notes, footer, ...PROGRESS_LOOKS[text.state] };
};

/** One template-data builder per View kind: a missing one is a compile error. */
export const CARD_DATA = { help, charterForm, charter, roles, notice, progress } satisfies { [K in ViewKind]: Builder<K> };

export function cardData(view: View, budget: Budget): CardData {
  return (CARD_DATA[view.kind] as (v: View, b: Budget) => CardData)(view, budget);
}
