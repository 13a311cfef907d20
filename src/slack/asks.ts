import type { Ask } from "../core/kernel/request.js";

const MENTION = /<@([UW][A-Z0-9]+)(?:\|([^>]*))?>/g;

/**
 * What a person typed, with each `<@U123|name>` replaced by `@1`, `@2`…, so a display name ("Luc Member")
 * can never read as a command word; the people named come separately, to be looked up on the server.
 */
export function askFromText(said: string): Extract<Ask, { kind: "text" }> {
  const ids: string[] = [];
  const names = new Map<string, string>();
  const text = said.replace(MENTION, (_m, id: string, name: string | undefined) => {
    if (!ids.includes(id)) ids.push(id);
    if (name) names.set(id, name);
    return `@${ids.indexOf(id) + 1}`;
  });
  // A link Slack formatted (`<https://…|label>`) is the link itself, as typed.
  const plain = text.replace(/<(https?:\/\/[^|>\s]+)(?:\|[^>]*)?>/g, "$1").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&").replace(/\s+/g, " ").trim();
  return { kind: "text", text: (plain || "help").slice(0, 4000), mentions: ids.slice(0, 20).map((id) => ({ id, name: names.get(id) ?? id })) };
}

/** A button's action id (the verb, made unique in its block with `#2`…) and its JSON value. */
export function askFromAction(actionId: string, value: string | undefined): Ask {
  const verb = actionId.replace(/#\d+$/, "");
  let input: Record<string, unknown> = {};
  try {
    const parsed: unknown = value ? JSON.parse(value) : {};
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) input = parsed as Record<string, unknown>;
  } catch {
    // A plain-string value carries no arguments.
  }
  return { kind: "action", verb, input };
}

interface StateValue {
  type?: string;
  value?: string | null;
  selected_option?: { value?: string } | null;
  selected_options?: Array<{ value?: string }> | null;
  selected_date?: string | null;
  selected_time?: string | null;
  selected_user?: string | null;
  selected_users?: string[] | null;
}
export type ViewStateValues = Record<string, Record<string, StateValue>>;

/** A submitted modal's inputs by block id (the field names), whatever element each is. */
export function valuesOf(state: ViewStateValues): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  for (const [blockId, actions] of Object.entries(state)) {
    const input = Object.values(actions)[0];
    if (!input) continue;
    if (input.selected_options) values[blockId] = input.selected_options.map((o) => o.value ?? "");
    else if (input.selected_users) values[blockId] = input.selected_users;
    else values[blockId] = input.value ?? input.selected_option?.value ?? input.selected_date ?? input.selected_time ?? input.selected_user ?? "";
  }
  return values;
}

/**
 * The submitted modal with what the person typed set as each input's initial value: shown again when saving
 * could not finish, so nothing typed is lost.
 */
export function keepTyped<V extends { blocks?: unknown[] }>(view: V, state: ViewStateValues): V {
  const blocks = (view.blocks ?? []).map((raw) => {
    const block = raw as { type?: string; block_id?: string; element?: Record<string, unknown> };
    const input = block.type === "input" && block.block_id ? Object.values(state[block.block_id] ?? {})[0] : undefined;
    if (!input || !block.element) return raw;
    const element = { ...block.element };
    for (const key of Object.keys(element)) if (key.startsWith("initial_")) delete element[key];
    const options = (element.options as Array<{ value?: string }> | undefined) ?? [];
    const pick = (value: string | undefined) => options.find((o) => o.value === value);
    if (input.value) element.initial_value = input.value;
    if (input.selected_option) element.initial_option = pick(input.selected_option.value);
    if (input.selected_options?.length) element.initial_options = input.selected_options.map((o) => pick(o.value)).filter(Boolean);
    if (input.selected_date) element.initial_date = input.selected_date;
    if (input.selected_time) element.initial_time = input.selected_time;
    if (input.selected_user) element.initial_user = input.selected_user;
    return { ...block, element };
  });
  return { ...view, blocks };
}
