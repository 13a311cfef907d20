import { TurnContext, type Activity, type ChannelAccount, type ConversationReference } from "botbuilder";
import type { ConversationRefs } from "../core/ports.js";
import type { Clock } from "../core/ports.js";
import { spaceOf, teamsIds, teamsPersonKey } from "./inbound.js";

/**
 * Stores how to reach a space and a person later (proactive messages). Space refs point at the chat
 * place itself (a channel, not a thread in it). A person's ref is their 1:1 chat with the app when
 * they have one; otherwise who they are and where (serviceUrl, tenant), so a 1:1 chat can be created.
 *
 * Each contact reads the stored row and writes only when it differs or is marked unreachable. A person's row is
 * read every time: another instance may have marked it unreachable (a 403) since, and a person who unblocked
 * the app must become reachable again on their next message, whichever instance gets it. A channel's or group
 * chat's row is compared with what this instance last read or wrote of it (`recent`, a minute at most), since
 * the messages of a busy channel would otherwise each read it: a channel is marked unreachable only when the
 * app is no longer in it, so no message comes from it until the app is added again, which rewrites it (`force`).
 *
 * A 1:1 chat is a space and a person at once, one conversation under two keys: its two rows name each
 * other (`twin`), the person's is written after the space's, and a delivery that finds the chat unreachable
 * marks both (`TeamsMessenger`). So the person's row alone tells whether either must be written again.
 */
export class ReferenceRecorder {
  constructor(
    private readonly refs: ConversationRefs,
    private readonly clock: Clock,
  ) {}

  /**
   * Records the space and the sender; `force` rewrites even when unchanged (install, reinstall). `person: false`
   * (an unlinkable request, e.g. an anonymous answer): the sender is not recorded at that moment.
   */
  async recordTurn(activity: Activity, force = false, { person = true } = {}): Promise<void> {
    if (!activity.serviceUrl || !activity.conversation?.id || !activity.from?.id) return;
    const ids = teamsIds(activity);
    const space = spaceOf(activity);
    const recordsPerson = activity.from.role !== "bot" && person;
    if (recordsPerson && ids.conversationType === "personal") return this.recordPersonalChat(activity, space.spaceKey, force);
    const base = TurnContext.getConversationReference(activity);
    const spaceRef: Partial<ConversationReference> = {
      ...withoutTurnFields(base),
      conversation: { ...base.conversation!, id: ids.placeId },
    };
    // A channel's ref names whoever spoke last: that alone is no reason to write it again on every turn.
    const writes = [this.save(space.spaceKey, spaceRef, force, withoutUser, ids.conversationType !== "personal")];
    if (recordsPerson) {
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
    // Never replace a reachable ref (perhaps a 1:1 chat) with a mere "where to find them": it would cost a createConversation.
    const existing = await this.refs.get(key);
    if (existing && !existing.unreachable) return;
    await this.save(key, whereToFind(activity, person), true);
  }

  /** The sender's 1:1 chat: one read (the person's row); both rows written when it is not current. */
  private async recordPersonalChat(activity: Activity, spaceKey: string, force: boolean): Promise<void> {
    const key = teamsPersonKey(teamsIds(activity).tenantId, activity.from);
    const reference = { ...withoutTurnFields(TurnContext.getConversationReference(activity)), user: activity.from };
    if (!force) {
      const existing = await this.refs.get(key);
      if (existing && !existing.unreachable && existing.platform === "teams" && existing.twin === spaceKey && JSON.stringify(existing.reference) === JSON.stringify(reference)) return;
    }
    // The space first: a person's row that names its twin promises the twin was written.
    await this.write(spaceKey, reference, key);
    await this.write(key, reference, spaceKey);
  }

  private async save(key: string, reference: Partial<ConversationReference>, force: boolean, compared = (r: Partial<ConversationReference>) => r, recent = false): Promise<void> {
    const existing = force ? undefined : await (recent ? this.refs.recent(key) : this.refs.get(key));
    const same = (r: Record<string, unknown>) => JSON.stringify(compared(r as Partial<ConversationReference>)) === JSON.stringify(compared(reference));
    if (existing && !existing.unreachable && existing.platform === "teams" && same(existing.reference)) return;
    // A 1:1 chat's space row written again without its person (an anonymous answer) still names its twin.
    await this.write(key, reference, existing?.twin);
  }

  private async write(key: string, reference: Partial<ConversationReference>, twin?: string): Promise<void> {
    await this.refs.save({
      key,
      platform: "teams",
      reference: JSON.parse(JSON.stringify(reference)) as Record<string, unknown>,
      unreachable: false,
      updatedAt: this.clock.now().toISOString(),
      ...(twin ? { twin } : {}),
    });
  }
}

/**
 * Who a person is and where (service URL, tenant), from a turn they were seen in: enough to open a 1:1 chat
 * with them, which is what its empty conversation says (`isPersonalChat` is false for it).
 */
export function whereToFind(activity: Activity, person: ChannelAccount): Partial<ConversationReference> {
  const base = withoutTurnFields(TurnContext.getConversationReference(activity));
  return { ...base, user: person, conversation: { id: "", isGroup: false, conversationType: "personal", tenantId: teamsIds(activity).tenantId, name: "" } };
}

const withoutUser = ({ user: _user, ...rest }: Partial<ConversationReference>): Partial<ConversationReference> => rest;

/** The ids of one turn (the activity replied to, the sender's locale) do not belong in a lasting ref. */
function withoutTurnFields(reference: Partial<ConversationReference>): Partial<ConversationReference> {
  const { activityId: _activityId, locale: _locale, ...rest } = reference;
  return rest;
}

/** Whether a stored person ref is a 1:1 chat the app can post into, or needs one created first. */
export function isPersonalChat(reference: Partial<ConversationReference>): boolean {
  return Boolean(reference.conversation?.id) && reference.conversation?.conversationType === "personal";
}
