import { z } from "zod";
import type { Request } from "../core/kernel/request.js";
import type { Clock, ConversationRefs } from "../core/ports.js";
import type { Logger } from "../log.js";
import { TtlCache } from "./directory.js";
import { installationKey, type Workspace } from "./installationStore.js";
import type { WorkspaceRefs } from "./slackTables.js";

/** What the Slack Messenger needs to reach a space or person later: the channel (or user) and the installation. */
export const SlackRef = z.object({
  teamId: z.string().optional(),
  enterpriseId: z.string().optional(),
  isEnterpriseInstall: z.boolean().default(false),
  channelId: z.string().optional(),
  userId: z.string().optional(),
});
export type SlackRef = z.infer<typeof SlackRef>;

/** How long a saved ref is taken as fresh, so a busy channel does not rewrite its row on every message. */
const FRESH_MS = 10 * 60_000;

/** Stores a conversation ref for each space and person the app hears from, and indexes it by installation. */
export class RefKeeper {
  private readonly fresh = new TtlCache<string, true>(FRESH_MS, 20_000);

  constructor(
    private readonly refs: ConversationRefs,
    private readonly index: WorkspaceRefs,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /**
   * The request's space (unless personal) and its person; DMs are opened at delivery time. `person: false` (an
   * unlinkable request, e.g. an anonymous answer): nothing about the person is written at that moment.
   */
  async rememberRequest(request: Request, workspace: Workspace, userId: string, channelId: string | undefined, { person = true } = {}): Promise<void> {
    const installation = { teamId: workspace.teamId, enterpriseId: workspace.enterpriseId, isEnterpriseInstall: workspace.isEnterpriseInstall };
    const saves = person ? [this.save(request.actor.personKey, workspace, { ...installation, userId })] : [];
    if (!request.space.personal && channelId) saves.push(this.save(request.space.spaceKey, workspace, { ...installation, channelId }));
    await Promise.all(saves);
  }

  async save(key: string, workspace: Workspace, reference: SlackRef): Promise<void> {
    if (this.fresh.get(key)) return;
    try {
      await this.refs.save({ key, platform: "slack", reference, unreachable: false, updatedAt: this.clock.now().toISOString() });
      await this.index.remember(installationKey(workspace), key);
      this.fresh.set(key, true);
    } catch (error) {
      // A missed ref only delays proactive messages until the next contact; the request itself goes on.
      this.log.warn({ err: error, key }, "could not store a Slack conversation ref");
    }
  }

  /** After an uninstall, the next contact must write the refs again. */
  forgetFreshness(): void {
    this.fresh.clear();
  }
}
