import { LRUCache } from "lru-cache";
import { upTo } from "../cacheBound.js";
import type { SpaceRef } from "../domain.js";
import { ConcurrencyError, DomainError } from "../errors.js";
import type { CoreDeps, JobRequest } from "../ports.js";
import { deepFreeze, type Card, type FormBlock } from "./card.js";
import { FANOUT_JOB, type FanoutPayload } from "./fanout.js";
import { COPIES_REFRESH_JOB, refreshDue, refreshJobKey, type RefreshPayload } from "./copies.js";
import { prepareFile, type DeliveredFile } from "./files.js";
import { checkFields, fieldsFor, type FieldErrors, type RawValues } from "./forms.js";
import type { CardRef, Effect, FormRef, Outcome } from "./outcome.js";
import { forEveryone } from "./permissions.js";
import { Reader } from "./reader.js";
import type { Registry } from "./registry.js";
import type { Request } from "./request.js";
import { FORM_HOURS } from "./seal.js";
import { ORIGIN, originOf, sealActions, type OpenedSeal } from "./origin.js";
import { wordsFor, type Words } from "./words.js";
import { authorise, findCommand } from "./authorise.js";
import { loadContext, readContext } from "./context.js";
import type { CommandDef, Context, JobContext, JobDef, People } from "./workflow.js";

/** What an adapter carries out for one request: cards already rendered for the asker. */
export type DeliveryItem =
  | { kind: "reply"; card: Card; secret: boolean }
  /** `copies`: the adapter records the message this becomes under that key (`Copies.posted`). */
  | { kind: "post"; card: Card; copies?: string }
  /**
   * `refreshing`: every copy of this card (the pressed one too) is refreshed at the end of this window
   * (copies.refresh), already asked for by an earlier press: the pressed message need not be updated now
   * (one update a window, not one a press); an adapter shows the card only where that costs no call.
   */
  | { kind: "replace"; card: Card; for: "actor" | "everyone"; refreshing?: true }
  | { kind: "form"; card: Card; form: FormBlock }
  /** A file for the asker alone; `card` is the line that goes with it (and the fallback where files cannot go). */
  | { kind: "file"; card: Card; file: DeliveredFile };

export interface Delivery {
  /** Where the request belongs (a form's sealed space, not the place it was submitted from). */
  space: SpaceRef;
  reader: Reader;
  verb: string;
  communityId?: string;
  items: DeliveryItem[];
  /** Field errors of a refused form submission: the adapter keeps the form open with them. */
  formErrors?: { form: FormBlock; errors: FieldErrors; fieldsOnly: boolean };
}

/** Who the asker is reading as: their language, zone, platform and whether this is their 1:1 chat. */
export const readerOf = (request: Request): Reader =>
  Reader.parse({ locale: request.actor.locale, timezone: request.actor.timezone, platform: request.space.platform, personal: request.space.personal });

/**
 * The one entry point every adapter calls: finds the command, checks where and who, runs its handler,
 * and turns its effects into rendered cards. Expected failures become a private answer; nothing changes.
 */
export class Kernel {
  /**
   * Refresh jobs this instance scheduled lately, or is scheduling: a window's key is only scheduled once, and
   * presses meanwhile wait for the one scheduling it (a failure is forgotten, to be asked again).
   */
  private readonly refreshesScheduled = new LRUCache<string, true, JobRequest>({
    ...upTo(5000),
    ttl: 60_000,
    fetchMethod: (_key, _stale, { context }) => this.deps.jobs.schedule(context).then(() => true as const),
  });
  /**
   * Refresh windows a press of this instance already counted on: the first press of a window updates its
   * message at once, the presses after it leave theirs to the window's refresh. Claimed when the press is
   * answered, before its refresh is scheduled, so presses arriving while storage schedules it (a burst, all
   * at once) do not each update the message (Slack allows chat.update about 50 times a minute).
   */
  private readonly refreshClaims = new LRUCache<string, true>({ ...upTo(5000), ttl: 60_000 });
  /** Cards presented lately, by presenter, reader and data (bounded by the size of what made them). */
  private readonly presented = new LRUCache<string, Card>({ max: 1000, maxSize: 8_000_000, sizeCalculation: (_card, key) => key.length * 4 });

  constructor(
    readonly registry: Registry,
    readonly deps: CoreDeps,
    /** Where the kernel reports what it carries on past (a failure to record activity, say). */
    private readonly log: { warn(details: object, message: string): void } = { warn: () => undefined },
  ) {}

  /**
   * `ready`: the request may run only once this says yes (a Slack request's replay check, still out when the
   * request is handed over). What it runs with is read meanwhile; nothing is written, run or answered before it
   * answers, and when it says no the answer is undefined.
   */
  async handle(request: Request, people: People): Promise<Delivery>;
  async handle(request: Request, people: People, ready: Promise<boolean>): Promise<Delivery | undefined>;
  async handle(request: Request, people: People, ready?: Promise<boolean>): Promise<Delivery | undefined> {
    const opened = await originOf(request, this.deps.sealer, this.registry, this.deps.clock.now());
    const effective: Request = opened.ok ? opened.request : request;
    const reader = readerOf(effective);
    const words = wordsFor(reader);
    const base = { space: effective.space, reader, verb: verbOf(request), items: [] as DeliveryItem[] };
    if (!opened.ok) return ready && !(await ready) ? undefined : { ...base, items: [this.notice(words, words.t(opened.refusal), "warning")] };
    // An unlinkable command (an anonymous answer) enrols no one and marks no activity.
    const unlinkable = this.declared(effective)?.unlinkable === true;
    const reads = readContext(this.deps, effective);
    if (ready) {
      // A request that may not run leaves its reads unused, failed or not.
      reads.catch(() => undefined);
      if (!(await ready)) return undefined;
    }
    const ctx = await loadContext(this.deps, this.registry, { request: effective, reader, words, people }, !unlinkable, reads);
    const delivery: Delivery = { ...base, communityId: ctx.community?.id };
    try {
      const found = findCommand(this.registry, effective, words);
      if ("refusal" in found) {
        delivery.items.push(this.notice(words, found.refusal, "info"));
        return delivery;
      }
      const { def, raw } = found;
      await authorise(this.deps, def, ctx);
      const result = await this.run(def, raw, ctx, effective, opened.seal);
      if (def.readOnly) assertReadOnly(def, result);
      await this.apply(result, ctx, delivery);
      if (!unlinkable) await this.acted(ctx, delivery);
    } catch (error) {
      if (error instanceof DomainError) {
        const tone = error.code === "forbidden" ? "error" : "warning";
        delivery.items.push({ kind: "reply", secret: false, card: this.present({ presenter: "notice", data: { key: error.messageKey, params: error.params, tone } }, reader) });
      } else if (error instanceof ConcurrencyError && request.ask.kind === "form" && opened.seal) {
        // Lost a race while saving: the person's values stay in the form, with the reason.
        await this.apply({ effects: [{ kind: "form", form: { form: opened.seal.form, values: request.ask.values, version: opened.seal.version, args: opened.seal.args, error: words.t("form.error.changed") } }] }, ctx, delivery);
      } else if (error instanceof ConcurrencyError) delivery.items.push(this.notice(words, words.t("notice.tryAgain"), "warning"));
      else throw error;
    }
    return delivery;
  }

  /**
   * Something that happened in a space (the app added, people joining or leaving): every workflow that
   * listens gets it. `who` is whoever the platform names as having done it.
   */
  async onEvent(
    event: { kind: "installed" } | { kind: "joined"; people: Array<{ personKey: string; displayName: string }> } | { kind: "left"; people: string[] },
    who: Pick<Request, "actor" | "space">,
    people: People,
  ): Promise<Delivery> {
    const request: Request = { ...who, ask: { kind: "action", verb: `event.${event.kind}`, input: {} } };
    const reader = readerOf(request);
    const words = wordsFor(reader);
    const ctx = await loadContext(this.deps, this.registry, { request, reader, words, people }, false);
    const delivery: Delivery = { space: request.space, reader, verb: request.ask.kind === "action" ? request.ask.verb : "event", communityId: ctx.community?.id, items: [] };
    for (const handlers of this.registry.events) {
      let result: Outcome | undefined;
      if (event.kind === "installed") result = await handlers.installed?.(ctx);
      else if (ctx.community && ctx.space && ctx.etag) {
        const bound = ctx as Context & { community: NonNullable<Context["community"]>; space: NonNullable<Context["space"]>; etag: string };
        result = event.kind === "joined" ? await handlers.joined?.(bound, event.people) : await handlers.left?.(bound, event.people);
      }
      if (result) await this.apply(result, ctx, delivery);
    }
    return delivery;
  }

  /** Tells the workflows that listen that a member acted in a bound space (activity for metrics). */
  private async acted(ctx: Context, delivery: Delivery): Promise<void> {
    if (!ctx.community || !ctx.space || !ctx.etag || !ctx.member) return;
    for (const handlers of this.registry.events) {
      // What the person asked for is done: a failure to record the activity must not take their answer away.
      try {
        const result = await handlers.acted?.(ctx as Context & { community: NonNullable<Context["community"]>; space: NonNullable<Context["space"]>; etag: string });
        if (result) await this.apply(result, ctx, delivery);
      } catch (error) {
        this.log.warn({ err: error, communityId: ctx.community.id }, "could not record a member's activity");
      }
    }
  }

  /**
   * A person's home (Slack App Home): each workflow that has a part of it adds its blocks, in the order the
   * workflows are registered; the first part gives the title and summary.
   */
  async home(who: Pick<Request, "actor" | "space">, people: People): Promise<Card | undefined> {
    const request: Request = { ...who, ask: { kind: "action", verb: "event.home", input: {} } };
    const reader = readerOf(request);
    const ctx = await loadContext(this.deps, this.registry, { request, reader, words: wordsFor(reader), people }, false);
    const parts = await Promise.all(this.registry.events.map((handlers) => handlers.home?.(ctx)));
    const shown = parts.filter((card): card is Card => card !== undefined);
    if (shown.length === 0) return undefined;
    return { ...shown[0]!, blocks: shown.flatMap((card) => card.blocks) };
  }

  /**
   * Renders a presenter's card for a reader (requests, deliveries, previews). A presenter is a function of its
   * data and reader alone (no clock, no storage), so a card asked for again (help, a notice) is the one made
   * before. Cards are frozen: whatever changes one (buttons kept, sealed) makes a copy.
   */
  present(ref: CardRef, reader: Reader): Card {
    const def = this.registry.presenter(ref.presenter);
    if (!def) throw new Error(`no presenter ${ref.presenter}`);
    const key = `${ref.presenter}\u0000${JSON.stringify(reader)}\u0000${JSON.stringify(ref.data)}`;
    const made = this.presented.get(key);
    if (made) return made;
    const card = deepFreeze({ ...def.render(def.schema.parse(ref.data), wordsFor(reader)), locale: reader.locale });
    this.presented.set(key, card);
    return card;
  }

  /** A card for someone other than the asker (a space, a fan-out recipient): only buttons everyone may press, or sealed to its reader. */
  presentToAll(ref: CardRef, reader: Reader): Card {
    const card = this.present(ref, reader);
    // A button sealed to its one reader (a job's private card) stays: pressing it is checked like any other.
    const sealed = new Set(card.blocks.flatMap((b) => (b.type === "actions" ? b.actions.filter((a) => typeof a.data[ORIGIN] === "string").map((a) => a.verb) : [])));
    return this.withActions(card, (verb) => sealed.has(verb) || this.everyone(verb));
  }

  /**
   * Runs a workflow's job and carries out its effects. Jobs have no asker and no space of their own: they
   * reach people through fan-outs, and schedule or cancel other jobs. A recurring job schedules its next occurrence.
   */
  async runJob(def: JobDef, payload: unknown, ctx: Omit<JobContext, "deps">): Promise<void> {
    const parsed = def.schema.parse(payload);
    const result = await def.run(parsed, { ...ctx, deps: this.deps });
    for (const effect of result.effects) {
      if (effect.kind === "schedule") await this.deps.jobs.schedule(effect.job);
      else if (effect.kind === "cancel") await this.deps.jobs.cancel(effect.key);
      else if (effect.kind === "fanout") await this.fanout(effect, "en", undefined);
      else if (effect.kind === "refreshCopies") await this.refreshCopies(effect);
      else throw new Error(`a job cannot ${effect.kind}: only fan-outs, refreshes, schedule and cancel`);
    }
    const next = def.next?.(parsed, ctx.dueAt);
    if (next) await this.deps.jobs.schedule({ kind: def.kind, key: occurrenceKey(ctx.key, next), dueAt: next, payload });
  }

  /** Whether an ask names an unlinkable command: the adapters then keep nothing new about the person either (their conversation ref). */
  unlinkable(ask: Request["ask"]): boolean {
    return this.declared({ ask })?.unlinkable === true;
  }

  /** Whether an ask names a read-only command: a replay of it could only repeat the asker's answer. */
  readOnly(ask: Request["ask"]): boolean {
    return this.declared({ ask })?.readOnly === true;
  }

  /** The command a request names, looked up before its context is loaded (what it declares decides how). */
  private declared(request: Pick<Request, "ask">): CommandDef | undefined {
    const { ask } = request;
    return ask.kind === "text" ? this.registry.parseText(ask.text, ask.mentions)?.def : this.registry.command(ask.verb);
  }

  private async run(def: CommandDef, raw: unknown, ctx: Context, original: Request, seal?: OpenedSeal): Promise<Outcome> {
    const { words } = ctx;
    if (original.ask.kind === "form" && seal) {
      const values: RawValues = original.ask.values;
      const declared = this.registry.form(seal.form);
      const spec = declared?.resolve ? await declared.resolve(seal.args, this.deps) : declared;
      if (!spec) return { effects: [] };
      if (seal.expired) {
        return { effects: [{ kind: "form", form: { form: spec.name, values, version: seal.version, args: seal.args, error: words.t("form.error.expired") } }] };
      }
      const checked = checkFields(spec, values, words, seal.args);
      const converted = Object.keys(checked.errors).length ? undefined : spec.toInput(checked.values, words);
      const errors = converted && !converted.ok ? converted.errors : checked.errors;
      if (!converted || !converted.ok) {
        return { effects: [{ kind: "form", form: { form: spec.name, values, errors, version: seal.version, args: seal.args } }] };
      }
      ctx.submitted = { version: seal.version, args: seal.args, values };
      return def.handle(ctx as never, converted.value);
    }
    const input = def.input.safeParse(raw);
    if (!input.success) {
      const detail = input.error.issues.slice(0, 3).map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
      throw new DomainError("invalid_input", "notice.badRequest", { detail });
    }
    return def.handle(ctx as never, input.data);
  }

  /** Effects into delivery items (rendered for the asker) and jobs. */
  private async apply(result: Outcome, ctx: Context, delivery: Delivery): Promise<void> {
    const reader = ctx.reader;
    const shared: Reader = { ...reader, personal: false };
    const refreshing = result.effects.some((e) => e.kind === "refreshCopies" && this.refreshClaimed(refreshJobKey(e.of, refreshDue(this.deps.clock.now()))));
    for (const effect of result.effects) {
      switch (effect.kind) {
        case "reply":
          delivery.items.push({ kind: "reply", card: await this.privately(this.present(effect.card, reader), ctx), secret: effect.secret ?? false });
          break;
        case "replace":
          delivery.items.push({
            kind: "replace",
            for: effect.for,
            card: effect.for === "actor" ? await this.privately(this.present(effect.card, reader), ctx) : this.withActions(this.present(effect.card, reader), this.everyone),
            ...(refreshing && effect.for === "everyone" ? { refreshing: true as const } : {}),
          });
          break;
        case "post":
          delivery.items.push({ kind: "post", card: this.withActions(this.present(effect.card, shared), this.everyone), ...(effect.copies ? { copies: effect.copies } : {}) });
          if (effect.to === "community") await this.postElsewhere(effect.card, ctx, effect.copies);
          break;
        case "form": {
          const card = await this.formCard(effect.form, ctx);
          delivery.items.push({ kind: "form", card, form: card.blocks.find((b): b is FormBlock => b.type === "form")! });
          const errors = effect.form.errors ?? {};
          if (Object.keys(errors).length || effect.form.error) delivery.formErrors = { form: card.blocks.find((b): b is FormBlock => b.type === "form")!, errors, fieldsOnly: !effect.form.error };
          break;
        }
        case "schedule":
          await this.deps.jobs.schedule(effect.job);
          break;
        case "cancel":
          await this.deps.jobs.cancel(effect.key);
          break;
        case "fanout":
          await this.fanout(effect, ctx.reader.locale, ctx.request.actor.personKey);
          break;
        case "refreshCopies":
          await this.refreshCopies(effect);
          break;
        case "file": {
          const prepared = prepareFile(effect.file, ctx.words);
          delivery.items.push(prepared.ok ? { kind: "file", card: prepared.card, file: prepared.file } : this.notice(ctx.words, prepared.text, "warning"));
          break;
        }
      }
    }
  }

  private readonly everyone = (verb: string) => forEveryone(this.registry.command(verb));

  /** A card for the asker's eyes: the buttons they may press, each carrying the space it is about. */
  private privately(card: Card, ctx: Context): Promise<Card> {
    return sealActions(this.withActions(card, ctx.can), ctx.request.space, ctx.request.actor.personKey, this.deps.sealer, this.deps.clock.now());
  }

  /** Keeps only the buttons the audience may press: a card shown to everyone carries no steward button. */
  withActions(card: Card, may: (verb: string) => boolean): Card {
    if (card.blocks.every((b) => b.type !== "actions" || b.actions.every((a) => may(a.verb)))) return card;
    return {
      ...card,
      blocks: card.blocks
        .map((b) => (b.type === "actions" ? { ...b, actions: b.actions.filter((a) => may(a.verb)) } : b))
        .filter((b) => b.type !== "actions" || b.actions.length > 0),
    };
  }

  /** The same card in every other space of the community, on either platform, through a fan-out. */
  private async postElsewhere(card: CardRef, ctx: Context, copies: string | undefined): Promise<void> {
    // The handler may just have bound this space (setting up, linking): the community is read from it now.
    const communityId = ctx.community?.id ?? (await this.deps.repos.spaces.find(ctx.request.space.spaceKey))?.communityId;
    if (!communityId) return;
    const others = (await this.deps.repos.spaces.listForCommunity(communityId)).filter((s) => s.spaceKey !== ctx.request.space.spaceKey);
    if (others.length === 0) return;
    const fanoutId = `post:${communityId}:${this.deps.ids.newId()}`;
    // Recorded first: a refresh that runs while the fan-out is still delivering knows to look at it.
    if (copies) await this.deps.copies.posted(copies, { kind: "fanout", fanoutId });
    await this.fanout(
      { kind: "fanout", card, fanoutId, audience: { kind: "spaces", communityId, except: [ctx.request.space.spaceKey] } },
      ctx.reader.locale,
      undefined,
    );
  }

  /** One refresh per window however many changes fall in it; it loads the card when it runs. */
  private async refreshCopies(effect: Extract<Effect, { kind: "refreshCopies" }>): Promise<void> {
    if (!this.registry.copySource(effect.source)) throw new Error(`no copy source ${effect.source}`);
    const dueAt = refreshDue(this.deps.clock.now());
    const key = refreshJobKey(effect.of, dueAt);
    // A burst of presses asks for the same job again and again: once this instance has it scheduled (or is
    // scheduling it), storage would only answer "exists" (the key is the same), so it is not asked.
    const payload: RefreshPayload = { of: effect.of, source: effect.source, args: effect.args };
    await this.refreshesScheduled.fetch(key, { context: { kind: COPIES_REFRESH_JOB, key, dueAt, payload } }).catch((error: unknown) => {
      // Not scheduled after all: the next press of the window updates its message itself.
      this.refreshClaims.delete(key);
      throw error;
    });
  }

  /** True when an earlier press already counted on this window's refresh; claims it for this one otherwise. */
  private refreshClaimed(key: string): boolean {
    if (this.refreshClaims.has(key) || this.refreshesScheduled.has(key)) return true;
    this.refreshClaims.set(key, true);
    return false;
  }

  /** The card a copy source shows now (for the refresh job); undefined when there is none any more. */
  async loadCopy(source: string, args: unknown): Promise<CardRef | undefined> {
    const def = this.registry.copySource(source);
    if (!def) throw new Error(`no copy source ${source}`);
    return def.load(def.args.parse(args), this.deps);
  }

  private async fanout(effect: Extract<Effect, { kind: "fanout" }>, locale: string, startedBy: string | undefined): Promise<void> {
    const payload: FanoutPayload = {
      fanoutId: effect.fanoutId,
      card: effect.card,
      locale,
      audience: effect.audience as FanoutPayload["audience"],
      ...(effect.showProgress && startedBy ? { startedBy } : {}),
    };
    await this.deps.jobs.schedule({ kind: FANOUT_JOB, key: effect.fanoutId, dueAt: this.deps.clock.now(), payload });
  }

  /** A form as a card: its fields for this reader, sealed with where it was opened, by whom and at what version. */
  async formCard(ref: FormRef, ctx: Context): Promise<Card> {
    const declared = this.registry.form(ref.form);
    const spec = declared?.resolve ? await declared.resolve(ref.args ?? {}, this.deps) : declared;
    if (!spec) throw new Error(`no form ${ref.form}`);
    const { words } = ctx;
    const token = await this.deps.sealer.seal({
      form: spec.name,
      space: ctx.request.space,
      by: ctx.request.actor.personKey,
      version: ref.version,
      args: ref.args ?? {},
      exp: this.deps.clock.now().getTime() + FORM_HOURS * 3_600_000,
    });
    const errors = ref.errors ?? {};
    const block: FormBlock = {
      type: "form",
      verb: spec.verb,
      title: words.plain(spec.title),
      submitLabel: words.plain(spec.submit),
      cancelLabel: words.plain("form.cancel"),
      token,
      fields: fieldsFor(spec, ref.values, errors, words, ref.args),
      error: ref.error ?? (Object.keys(errors).length ? words.t("form.error.fix") : ""),
      reopen: spec.opener ? { label: words.plain("form.open"), verb: spec.opener, data: ref.reopenWith ?? {}, style: "primary", opensForm: true } : undefined,
    };
    const intro = spec.intro ? [{ type: "text" as const, text: words.t(spec.intro), style: "default" as const }] : [];
    return { title: block.title, summary: words.t("form.summary", { title: block.title }), blocks: [...intro, block], locale: words.locale };
  }

  private notice(words: Words, text: string, tone: "info" | "warning" | "error"): DeliveryItem {
    return { kind: "reply", secret: false, card: { title: "", summary: text, tone, blocks: [{ type: "text", text, style: "default", tone }], locale: words.locale } };
  }
}


/** Each occurrence of a recurring job has its own key: the series' key and the occurrence's instant. */
export const occurrenceKey = (key: string, at: Date) => `${key.replace(/@[^@]*$/, "")}@${at.toISOString()}`;

/** What a read-only command may answer with: the asker's own answers and forms, nothing anyone else sees. */
const privateEffect = (effect: Effect) => effect.kind === "reply" || effect.kind === "form" || (effect.kind === "replace" && effect.for === "actor");

/** A read-only command that answered with more is a defect in it: refused whole rather than half done. */
function assertReadOnly(def: CommandDef, result: Outcome): void {
  const more = result.effects.find((effect) => !privateEffect(effect));
  if (more) throw new Error(`${def.verb} is declared read-only but answered with a ${more.kind}`);
}

const verbOf = (request: Request) => (request.ask.kind === "text" ? "text" : request.ask.verb);
