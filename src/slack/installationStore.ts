import { LRUCache } from "lru-cache";
import type { TableClient } from "@azure/data-tables";
import type { Installation, InstallationQuery, InstallationStore } from "@slack/bolt";
import { z } from "zod";
import type { Logger } from "../log.js";
import { fromRow, getRow, keyPart, statusOf, toRow } from "../store/entity.js";

/** Which installation answers for a workspace: an org-wide (Enterprise Grid) one, or the workspace's own. */
export interface Workspace {
  teamId?: string;
  enterpriseId?: string;
  isEnterpriseInstall: boolean;
}

/** One key per installation: `e:<enterprise>` for org-wide installs, `t:<team>` for a workspace. */
export function installationKey(ws: Workspace): string {
  if (ws.isEnterpriseInstall && ws.enterpriseId) return `e:${ws.enterpriseId}`;
  if (ws.teamId) return `t:${ws.teamId}`;
  throw new Error("a Slack workspace needs a team id or, for org-wide installs, an enterprise id");
}

// The fields we rely on are checked; the rest of what Slack's OAuth library stores is kept as is.
const StoredInstallation = z
  .object({
    team: z.object({ id: z.string(), name: z.string().optional() }).passthrough().nullish(),
    enterprise: z.object({ id: z.string(), name: z.string().optional() }).passthrough().nullish(),
    bot: z.object({ token: z.string(), id: z.string().optional(), userId: z.string(), scopes: z.array(z.string()) }).passthrough().optional(),
    user: z.object({ id: z.string() }).passthrough(),
    isEnterpriseInstall: z.boolean().default(false),
  })
  .passthrough();

const partition = (key: string) => `i:${keyPart(key)}`;
/** How long an installation read is reused; one stored or deleted through another instance applies here after this. */
export const INSTALLATION_TTL_MS = 60_000;

/**
 * Slack installations (bot tokens per workspace or org) on Azure Table Storage. Tokens are secrets: the
 * table lives in the app's own storage account, encrypted at rest, and they are never logged.
 */
export class TableInstallationStore implements InstallationStore {
  /** Installations found lately (read on every request): this instance's own stores and deletes apply at once. */
  private readonly found = new LRUCache<string, Installation>({ max: 5_000, ttl: INSTALLATION_TTL_MS });

  constructor(
    private readonly table: TableClient,
    private readonly log: Logger,
  ) {}

  async storeInstallation(installation: Installation): Promise<void> {
    const ws: Workspace = {
      teamId: installation.team?.id,
      enterpriseId: installation.enterprise?.id,
      isEnterpriseInstall: installation.isEnterpriseInstall === true,
    };
    const key = installationKey(ws);
    this.found.delete(key);
    await this.table.upsertEntity(toRow(StoredInstallation, partition(key), "", "slackInstallation", StoredInstallation.parse(installation)), "Replace");
    this.log.info({ installation: key, enterpriseId: ws.enterpriseId, orgWide: ws.isEnterpriseInstall }, "slack installation stored");
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation> {
    const found = await this.find(query);
    if (!found) throw new Error(`no Slack installation for team ${query.teamId ?? "-"} / enterprise ${query.enterpriseId ?? "-"}`);
    return found;
  }

  /** The installation serving a workspace, if any: its own, else its org's org-wide one. */
  async find(query: Workspace): Promise<Installation | undefined> {
    const keys: string[] = [];
    if (query.isEnterpriseInstall && query.enterpriseId) keys.push(`e:${query.enterpriseId}`);
    if (query.teamId) keys.push(`t:${query.teamId}`);
    if (!query.isEnterpriseInstall && query.enterpriseId) keys.push(`e:${query.enterpriseId}`);
    for (const key of keys) {
      const cached = this.found.get(key);
      if (cached) return cached;
      const row = await getRow(this.table, partition(key), "");
      const value = row && fromRow(StoredInstallation, row, this.log);
      if (value) {
        this.found.set(key, value as unknown as Installation);
        return value as unknown as Installation;
      }
    }
    return undefined;
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    const key = installationKey({ teamId: query.teamId, enterpriseId: query.enterpriseId, isEnterpriseInstall: query.isEnterpriseInstall });
    this.found.delete(key);
    try {
      await this.table.deleteEntity(partition(key), "");
      this.log.info({ installation: key }, "slack installation deleted");
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
  }
}
