import { STEWARD_ROLES } from "../domain.js";
import { DomainError } from "../errors.js";
import type { CoreDeps } from "../ports.js";
import { membersWhere } from "./members.js";
import { fitsPlace, forEveryone, holds } from "./permissions.js";
import type { Registry } from "./registry.js";
import type { Request } from "./request.js";
import type { Words } from "./words.js";
import type { CommandDef, Context } from "./workflow.js";

/** The command a request names and its raw input, or why there is none (a private refusal). */
export function findCommand(registry: Registry, request: Request, words: Words): { def: CommandDef; raw: unknown } | { refusal: string } {
  const { ask } = request;
  if (ask.kind === "text") {
    const found = registry.parseText(ask.text, ask.mentions);
    if (found) return found;
    const said = ask.text.trim().slice(0, 60);
    return { refusal: words.t("notice.unknownCommand", { text: said, help: words.typed("help") }) };
  }
  const def = registry.command(ask.verb);
  if (!def) return { refusal: words.t("notice.unknownAction", { help: words.typed("help") }) };
  // A message action runs only from a message's menu, and a message's menu runs only message actions.
  if (Boolean(def.messageAction) !== (ask.kind === "message")) return { refusal: words.t("notice.unknownAction", { help: words.typed("help") }) };
  if (ask.kind === "message") return { def, raw: { message: ask.message } };
  // A command that takes a form is only ever its sealed, checked submission: never a hand-made button.
  if (def.form && ask.kind !== "form") return { refusal: words.t("form.error.invalid") };
  return { def, raw: ask.kind === "action" ? ask.input : {} };
}

/** Place, then person: both checked here, for every command, before its handler runs. */
export async function authorise(deps: CoreDeps, def: CommandDef, ctx: Context): Promise<void> {
  const { request } = ctx;
  const personal = request.space.personal;
  if (!fitsPlace(def, { personal, bound: !!ctx.community })) {
    if (personal) throw new DomainError("invalid_input", "notice.personalSpace", { setup: { typed: "setup", shared: true } });
    if (def.where === "community") throw new DomainError("not_found", "notice.noCommunity", { setup: { typed: "setup" }, link: { typed: "link CODE" } });
    throw new DomainError("conflict", "notice.alreadyBound", { name: ctx.community?.charter.name ?? "", charter: { typed: "charter" } });
  }
  if (ctx.community?.status === "closed" && !forEveryone(def) && def.whenClosed !== "allowed") {
    throw new DomainError("conflict", "notice.closed", { name: ctx.community.charter.name, reopen: { typed: "status launched" } });
  }
  if (holds(def.permission, ctx.member)) return;
  if (def.permission === "member" && ctx.community && def.unlinkable) throw new DomainError("forbidden", "notice.notMemberUnlinkable", { name: ctx.community.charter.name, join: { typed: "join" } });
  if (def.permission === "member" && ctx.community) throw new DomainError("forbidden", "notice.notMemberHere", { name: ctx.community.charter.name, join: { typed: "join" } });
  const key = def.permission === "facilitator" ? "notice.forbiddenFacilitator" : "notice.forbidden";
  const stewards = ctx.community ? await stewardNames(deps, ctx.community.id) : [];
  throw new DomainError("forbidden", key, { name: ctx.community?.charter.name ?? "", stewards: stewards.length ? ctx.words.or(stewards) : "—" });
}

async function stewardNames(deps: CoreDeps, communityId: string): Promise<string[]> {
  const stewards = await membersWhere(deps, communityId, (m) => STEWARD_ROLES.includes(m.role), 10);
  return stewards.map((m) => m.displayName || m.personKey);
}
