import type { types as Slack } from "@slack/bolt";
import { spaceLabel, type MessageKey } from "../../core/i18n/index.js";
import { progressText, type ProgressState } from "../../core/i18n/progress.js";
import type { View, ViewKind, ViewOf } from "../../core/views.js";
import { SLACK_LIMITS as L } from "../limits.js";
import { actions, button, context, fallbackText, fields, fitBlocks, header, section, sectionsOf, type Block, type SlackMessage } from "./blocks.js";
import { charterFormFallback, charterModal } from "./charterModal.js";
import { escapeMrkdwn, mrkdwn, mrkdwnRef, plain } from "./text.js";

/** What one View becomes in Slack: a message, or a modal (with a message for where no modal can open). */
export type SlackRendering =
  | { surface: "message"; message: SlackMessage }
  | { surface: "modal"; modal: Slack.ModalView; fallback: SlackMessage };

const message = (text: string, blocks: Block[], locale: string): SlackRendering => ({
  surface: "message",
  message: { text: fallbackText(text), blocks: fitBlocks(blocks, L.message.blocks, locale) },
});

/** The slash command a help line documents; the words are the ones parseTextCommand understands. */
const USAGE: Array<{ usage: MessageKey; describe: MessageKey; when: "community" | "none" | "always"; manage?: boolean }> = [
  { usage: "help.usage.setup", describe: "help.cmd.setup", when: "none" },
  { usage: "slack.usage.linkCode", describe: "help.cmd.linkCode", when: "none" },
  { usage: "help.usage.charter", describe: "help.cmd.charter", when: "community" },
  { usage: "help.usage.roles", describe: "help.cmd.roles", when: "community" },
  { usage: "help.usage.edit", describe: "help.cmd.edit", when: "community", manage: true },
  { usage: "help.usage.assign", describe: "help.cmd.assign", when: "community", manage: true },
  { usage: "help.usage.status", describe: "help.cmd.status", when: "community", manage: true },
  { usage: "slack.usage.link", describe: "help.cmd.link", when: "community", manage: true },
  { usage: "help.usage.help", describe: "help.cmd.help", when: "always" },
];

function renderHelp(view: ViewOf<"help">): SlackRendering {
  const { locale } = view;
  const inCommunity = view.communityName !== undefined;
  const lines = USAGE.filter((u) => u.when === "always" || (u.when === "community") === inCommunity)
    .filter((u) => !u.manage || view.canManage)
    .map((u) => `\`/cop ${plain(locale, u.usage)}\`  ${mrkdwn(locale, u.describe)}`);
  const buttons = inCommunity
    ? [button(plain(locale, "action.charter"), "community.charter.show"), button(plain(locale, "action.roles"), "community.roles.show"),
      ...(view.canManage ? [button(plain(locale, "action.edit"), "community.charter.edit")] : [])]
    : view.canManage ? [button(plain(locale, "action.setup"), "community.setup.open", { style: "primary" })] : [];
  const title = plain(locale, "help.title");
  return message(title, [
    header(title),
    ...(view.intro ? [section(mrkdwnRef(locale, view.intro))] : []),
    section(inCommunity ? mrkdwn(locale, "help.intro.community", { name: view.communityName ?? "" }) : mrkdwn(locale, "help.intro.none")),
    ...sectionsOf(lines),
    ...actions(buttons),
  ], locale);
}

const bullets = (items: string[], none: string) => (items.length ? items.map((i) => `• ${escapeMrkdwn(i)}`).join("\n") : none);

function renderCharter(view: ViewOf<"charter">): SlackRendering {
  const { locale, charter } = view;
  const none = `_${mrkdwn(locale, "charter.none")}_`;
  const label = (key: MessageKey) => mrkdwn(locale, key);
  const guidelines = (["participation", "contribution", "conflictResolution"] as const)
    .filter((g) => charter.guidelines[g])
    .map((g) => `*${label(`field.${g}`)}*: ${escapeMrkdwn(charter.guidelines[g])}`);
  const spaces = view.spaces.map((s) => escapeMrkdwn(spaceLabel(locale, s)));
  const title = plain(locale, "charter.title", { name: charter.name });
  return message(mrkdwn(locale, "app.fallback", { title }), [
    header(title),
    fields([
      [label("charter.status"), mrkdwn(locale, `status.${view.status}`)],
      [label("charter.domain"), escapeMrkdwn(charter.domain)],
      [label("charter.audience"), escapeMrkdwn(charter.audience)],
      [label("charter.purposes"), charter.purposes.map((p) => mrkdwn(locale, `purpose.${p}`)).join("\n")],
    ]),
    section(`*${label("charter.goals")}*\n${bullets(charter.goals, none)}`),
    section(`*${label("charter.outcomes")}*\n${bullets(charter.outcomes, none)}`),
    ...sectionsOf([`*${label("charter.guidelines")}*`, ...(guidelines.length ? guidelines : [none])]),
    context([
      `${label("charter.stewards")}: ${view.stewards.length ? escapeMrkdwn(view.stewards.join(", ")) : "—"}`,
      mrkdwn(locale, "charter.members", { count: view.memberCount }),
      `${label("charter.spaces")}: ${spaces.join(", ") || "—"}`,
    ]),
    ...actions([
      ...(view.canManage ? [button(plain(locale, "action.edit"), "community.charter.edit")] : []),
      button(plain(locale, "action.roles"), "community.roles.show"),
    ]),
  ], locale);
}

function renderRoles(view: ViewOf<"roles">): SlackRendering {
  const { locale } = view;
  const title = plain(locale, "roles.title", { name: view.communityName });
  const lines = view.people.map((p) => `• *${escapeMrkdwn(p.displayName)}*  ${mrkdwn(locale, `role.${p.role}`)}`);
  const blocks: Block[] = [header(title), ...(lines.length ? sectionsOf(lines) : [section(mrkdwn(locale, "roles.empty"))])];
  if (view.omitted > 0) blocks.push(context([mrkdwn(locale, "roles.omitted", { count: view.omitted })]));
  if (view.canAssign) blocks.push(context([`\`/cop ${plain(locale, "help.usage.assign")}\`  ${mrkdwn(locale, "help.cmd.assign")}`]));
  return message(mrkdwn(locale, "app.fallback", { title }), blocks, locale);
}

/** Tone is carried by a symbol and the words, never by colour alone. */
const TONE_SYMBOL = { info: ":information_source:", success: ":white_check_mark:", warning: ":warning:", error: ":x:" } as const;

function renderNotice(view: ViewOf<"notice">): SlackRendering {
  const text = mrkdwnRef(view.locale, view.message);
  return message(text, [section(`${TONE_SYMBOL[view.tone]} ${text}`)], view.locale);
}

const PROGRESS_SYMBOL: Record<ProgressState, string> = { sending: ":hourglass_flowing_sand:", doneAll: ":white_check_mark:", doneSome: ":warning:" };

/** Status and counts in one section (fields two to a row), then why some were not reached, or that it updates. */
function renderProgress(view: ViewOf<"progress">): SlackRendering {
  const text = progressText(view);
  const heading = `*${escapeMrkdwn(text.title)}*\n${PROGRESS_SYMBOL[text.state]} ${escapeMrkdwn(text.status)}`;
  const status = fields(text.facts.map((f) => [escapeMrkdwn(f.label), f.value]), heading);
  const notes = [...text.notes, text.footer].filter(Boolean).map(escapeMrkdwn);
  return message(escapeMrkdwn(text.summary), notes.length ? [status, context(notes)] : [status], view.locale);
}

function renderCharterForm(view: ViewOf<"charterForm">): SlackRendering {
  return { surface: "modal", modal: charterModal(view), fallback: charterFormFallback(view) };
}

/** One Slack renderer per View kind: a kind without one fails to compile. */
export const SLACK_RENDERERS = {
  help: renderHelp,
  charterForm: renderCharterForm,
  charter: renderCharter,
  roles: renderRoles,
  notice: renderNotice,
  progress: renderProgress,
} satisfies { [K in ViewKind]: (view: ViewOf<K>) => SlackRendering };

export function renderView(view: View): SlackRendering {
  // The lookup loses the link between kind and view type; the satisfies clause above keeps it sound.
  const render = SLACK_RENDERERS[view.kind] as (view: View) => SlackRendering;
  return render(view);
}

/** A view as a message, whatever its surface (proactive delivery and places without a trigger_id). */
export function renderMessage(view: View): SlackMessage {
  const rendering = renderView(view);
  return rendering.surface === "message" ? rendering.message : rendering.fallback;
}
