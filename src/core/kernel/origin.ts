import type { SpaceRef } from "../domain.js";
import type { Card } from "./card.js";
import type { Registry } from "./registry.js";
import type { Request } from "./request.js";
import type { FormSeal, Sealer } from "./seal.js";

/** The name private buttons are sealed under, in their data (Teams card data, Slack button value). */
export const ORIGIN = "origin";
/** How long a private button keeps its origin; pressed later, it runs where it is pressed. */
const ORIGIN_DAYS = 30;

export type OpenedSeal = FormSeal & { expired?: boolean };
export type Origin = { ok: true; request: Request; seal?: OpenedSeal } | { ok: false; refusal: "form.error.invalid" | "form.error.notYours" };

/**
 * Where a request really belongs. A form submission belongs to the space its sealed context names (a Slack
 * modal names no channel; a Teams form may be answered from another chat). A button on a card sent
 * privately (the person's 1:1 chat) belongs to the space it was sent about, when its sealed origin is the
 * presser's own. Anything unsealed runs where it was sent from.
 */
export async function originOf(request: Request, sealer: Sealer, registry: Registry, now: Date): Promise<Origin> {
  const { ask } = request;
  if (ask.kind === "action") {
    const token = ask.input[ORIGIN];
    if (typeof token !== "string") return { ok: true, request };
    const { [ORIGIN]: _origin, ...input } = ask.input;
    const opened = await sealer.open(token, now);
    const space = opened.ok && opened.seal.form === ORIGIN && opened.seal.by === request.actor.personKey ? opened.seal.space : request.space;
    return { ok: true, request: { ...request, space, ask: { ...ask, input } } };
  }
  if (ask.kind !== "form") return { ok: true, request };
  const opened = await sealer.open(ask.token, now);
  const sealed = opened.ok || opened.why === "expired" ? opened.seal : undefined;
  if (sealed && sealed.form !== ask.verb && registry.form(sealed.form)?.verb !== ask.verb) return { ok: false, refusal: "form.error.invalid" };
  if (!opened.ok) {
    // An expired form is still ours: its context holds, and the person's values are shown again with a new one.
    if (opened.why === "expired" && opened.seal.by === request.actor.personKey) return { ok: true, request: { ...request, space: opened.seal.space }, seal: { ...opened.seal, expired: true } };
    return { ok: false, refusal: "form.error.invalid" };
  }
  if (opened.seal.by !== request.actor.personKey) return { ok: false, refusal: "form.error.notYours" };
  return { ok: true, request: { ...request, space: opened.seal.space }, seal: opened.seal };
}

/** A private card's buttons carry the space it is about, sealed to the person it is for. */
export async function sealActions(card: Card, space: SpaceRef, by: string, sealer: Sealer, now: Date): Promise<Card> {
  if (space.personal || !card.blocks.some((b) => b.type === "actions")) return card;
  const token = await sealer.seal({ form: ORIGIN, space, by, args: {}, exp: now.getTime() + ORIGIN_DAYS * 86_400_000 });
  return {
    ...card,
    blocks: card.blocks.map((b) => (b.type === "actions" ? { ...b, actions: b.actions.map((a) => ({ ...a, data: { ...a.data, [ORIGIN]: token } })) } : b)),
  };
}
