import { TurnContext, type Activity, type ChannelAccount, type ConversationReference } from "botbuilder";
import type { ConversationRefs } from "../core/ports.js";
import type { Clock } from "../core/ports.js";
import { spaceOf, teamsIds, teamsPersonKey } from "./inbound.js";

/**
 * Stores how to reach a space and a person later (proactive messages). Space refs point at the chat
 * place itself (a channel, not a thread in it). A person's ref is their 1:1 chat with the app when
 * they have one; otherwise who they are and where (serviceUrl, tenant), so a 1:1 chat can be created.
 */
export class ReferenceRecorder {
  /** Refs written recently, so an unchanged ref is not rewritten on every message. */
  private readonly written = new Map<string, string>();

  constructor(
    private readonly refs: ConversationRefs,
    private readonly clock: Clock,
    private readonly maxCached = 10_000,
  ) {}

  /** Records the space and the sender; `force` rewrites even when unchanged (install, reinstall). */
  async recordTurn(activity: Activity, force = false): Promise<void> {
    if (!activity.serviceUrl || !activity.conversation?.id || !activity.from?.id) return;
    const ids = teamsIds(activity);
    const space = spaceOf(activity);
    const base = TurnContext.getConversationReference(activity);
    const spaceRef: Partial<ConversationReference> = {
      ...withoutTurnFields(base),
      conversation: { ...base.conversation!, id: ids.placeId },
    };
    const writes = [this.save(space.spaceKey, spaceRef, force)];
    if (activity.from.role !== "bot") {
      writes.push(this.recordPerson(activity, activity.from, force));
    }
    await Promise.all(writes);
  }

  /** Records a person seen in this conversation (sender or added member) unless a better ref exists. */
  async recordPerson(activity: Activity, person: ChannelAccount, force = false): Promise<void> {
    const ids = teamsIds(activity);
    const key = teamsPersonKey(ids.tenantId, person);
    const base = withoutTurnFields(TurnContext.getConversationReference(activity));
    if (ids.conversationType === "personal") {
      await this.save(key, { ...base, user: person }, force);
      return;
    }
    // Never replace a 1:1 chat ref with a mere "where to find them": that would cost a createConversation.
    if (this.written.has(key)) return;
    const existing = await this.refs.get(key);
    if (existing && !existing.unreachable) {
      this.remember(key, JSON.stringify(existing.reference));
      return;
    }
    const conversation = { id: "", isGroup: false, conversationType: "personal", tenantId: ids.tenantId, name: "" };
    await this.save(key, { ...base, user: person, conversation }, true);
  }

  /** Forgets the cache entry so the next contact rewrites the ref (after it was marked unreachable). */
  forget(key: string): void {
    this.written.delete(key);
  }

  private async save(key: string, reference: Partial<ConversationReference>, force: boolean): Promise<void> {
    const serialised = JSON.stringify(reference);
    if (!force && this.written.get(key) === serialised) return;
    await this.refs.save({
      key,
      platform: "teams",
      reference: JSON.parse(serialised) as Record<string, unknown>,
      unreachable: false,
      updatedAt: this.clock.now().toISOString(),
    });
    this.remember(key, serialised);
  }

  private remember(key: string, serialised: string): void {
    // Oldest entry out first: a Map iterates in insertion order.
    if (this.written.size >= this.maxCached) this.written.delete(this.written.keys().next().value!);
    this.written.set(key, serialised);
  }
}

/** The ids of one turn (the activity replied to, the sender's locale) do not belong in a lasting ref. */
function withoutTurnFields(reference: Partial<ConversationReference>): Partial<ConversationReference> {
  const { activityId: _activityId, locale: _locale, ...rest } = reference;
  return rest;
}

/** Whether a stored person ref is a 1:1 chat the app can post into, or needs one created first. */
export function isPersonalChat(reference: Partial<ConversationReference>): boolean {
  return Boolean(reference.conversation?.id) && reference.conversation?.conversationType === "personal";
}
