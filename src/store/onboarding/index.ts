import type { TableClient } from "@azure/data-tables";
import { z } from "zod";
import { PersonKey } from "../../core/domain.js";
import { ConcurrencyError } from "../../core/errors.js";
import { WelcomeText, type OnboardingBook } from "../../core/workflows/onboarding/ports.js";
import type { Versioned } from "../../core/ports.js";
import type { Logger } from "../../log.js";
import { communityPartition } from "../communities.js";
import { fromRow, getRow, insertRow, keyPart, replaceRow, toRow } from "../entity.js";

/** One insert-only row per person welcomed, found from the person by its key. */
const welcomedRow = (person: PersonKey) => `welcomed:${keyPart(person)}`;
const Welcomed = z.object({ personKey: PersonKey, at: z.string() });
/** The community's welcome text: one row, replaced at its ETag. */
const WELCOME_ROW = "settings:onboarding.welcome";

/** Onboarding rows live in their community's partition, under prefixes of their own. */
export class TableOnboardingBook implements OnboardingBook {
  constructor(
    private readonly table: TableClient,
    private readonly log: Logger,
  ) {}

  async markWelcomed(communityId: string, person: PersonKey, at: Date): Promise<"first" | "again"> {
    const row = toRow(Welcomed, communityPartition(communityId), welcomedRow(person), "welcomed", { personKey: person, at: at.toISOString() });
    return (await insertRow(this.table, row)) === "created" ? "first" : "again";
  }

  async welcome(communityId: string): Promise<Versioned<WelcomeText> | undefined> {
    const row = await getRow(this.table, communityPartition(communityId), WELCOME_ROW);
    const value = row ? fromRow(WelcomeText, row, this.log) : undefined;
    return row && value ? { value, etag: row.etag } : undefined;
  }

  async saveWelcome(communityId: string, text: WelcomeText, etag?: string): Promise<string> {
    const row = toRow(WelcomeText, communityPartition(communityId), WELCOME_ROW, "welcomeText", text);
    if (etag) return replaceRow(this.table, row, etag, "welcome text");
    if ((await insertRow(this.table, row)) === "duplicate") throw new ConcurrencyError("welcome text");
    return (await getRow(this.table, row.partitionKey, row.rowKey))?.etag ?? "";
  }
}
