import { randomInt } from "node:crypto";
import type { Command, Request } from "./commands.js";
import type { Community, Member } from "./domain.js";
import type { CoreDeps } from "./ports.js";
import type { Outcome } from "./views.js";
import { DomainError } from "./errors.js";
import { spaceLabel } from "./i18n/index.js";
import { addToCommunity, bindSpace, requireCommunity, requireSteward, type Context } from "./community.js";

/** Letters and digits that cannot be mistaken for one another when read aloud or retyped. */
const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
export const LINK_CODE_MINUTES = 15;

const drawCode = () => Array.from({ length: 8 }, () => ALPHABET[randomInt(ALPHABET.length)]).join("");
/** Shown as ABCD-EFGH; accepted with or without the dash, in any case. */
const display = (code: string) => `${code.slice(0, 4)}-${code.slice(4)}`;
const normalise = (typed: string) => typed.toUpperCase().replace(/[^A-Z0-9]/g, "");

export async function startLink(deps: CoreDeps, request: Request, ctx: Context): Promise<Outcome> {
  requireCommunity(ctx);
  await requireSteward(deps, ctx, request.actor.locale);
  const now = deps.clock.now();
  for (let attempt = 0; attempt < 5; attempt++) {
    const code = drawCode();
    const created = await deps.repos.linkCodes.create({
      code,
      communityId: ctx.community.id,
      createdBy: request.actor.personKey,
      createdIn: request.space.spaceKey,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + LINK_CODE_MINUTES * 60_000).toISOString(),
    });
    if (created === "created") {
      const shown = display(code);
      return {
        replies: [
          {
            audience: "actor",
            secret: true,
            view: {
              kind: "notice",
              locale: request.actor.locale,
              tone: "info",
              message: {
                key: "notice.linkCode",
                params: { name: ctx.community.charter.name, code: shown, command: `link ${shown}`, minutes: LINK_CODE_MINUTES },
              },
            },
          },
        ],
      };
    }
  }
  throw new Error("could not draw an unused link code in 5 attempts");
}

export async function redeemLink(
  deps: CoreDeps,
  request: Request,
  ctx: Context,
  command: Extract<Command, { type: "space.link.redeem" }>,
): Promise<Outcome> {
  const locale = request.actor.locale;
  if (request.space.personal) throw new DomainError("invalid_input", "notice.personalSpace");
  // Check before consuming, so a code entered in the wrong place still works where it belongs.
  if (ctx.community) throw new DomainError("conflict", "notice.linkSameSpace", { name: ctx.community.charter.name });
  const taken = await deps.repos.linkCodes.take(normalise(command.code));
  if (taken === "missing" || new Date(taken.expiresAt) <= deps.clock.now()) {
    throw new DomainError("invalid_input", "notice.linkInvalid");
  }
  const stored = await deps.repos.communities.get(taken.communityId);
  if (!stored) throw new DomainError("invalid_input", "notice.linkInvalid");
  const community: Community = stored.value;
  // Lost a race with a setup in this space after the check above: the code is spent, so do not say it still works.
  await bindSpace(deps, request, community.id, "notice.alreadyBound");
  // Whoever a facilitator trusted with the code manages the community from this side.
  const existing: Member | undefined = await deps.repos.members.get(community.id, request.actor.personKey);
  if (!existing || existing.role === "member") await addToCommunity(deps, request, community.id, "co-facilitator", existing);

  const others = (await deps.repos.spaces.listForCommunity(community.id)).filter((s) => s.spaceKey !== request.space.spaceKey);
  const spaces = new Intl.ListFormat(locale, { type: "conjunction" }).format(
    others.map((s) => spaceLabel(locale, s)),
  );
  return {
    replies: [
      {
        audience: "space",
        view: { kind: "notice", locale, tone: "success", message: { key: "notice.linked", params: { name: community.charter.name, spaces } } },
      },
      {
        audience: "actor",
        view: { kind: "notice", locale, tone: "info", message: { key: "notice.linkedYou", params: { name: community.charter.name } } },
      },
    ],
  };
}
