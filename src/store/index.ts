import type { Repositories } from "../core/ports.js";
import type { Logger } from "../log.js";
import { TableCommunities } from "./communities.js";
import { TableConversationRefs } from "./conversationRefs.js";
import { TableEventBook } from "./events/index.js";
import { TableLinkCodes } from "./linkCodes.js";
import { TableMembers } from "./members.js";
import { TableSpaces } from "./spaces.js";
import { TableSurveyBook } from "./surveys/index.js";
import { TableOnboardingBook } from "./onboarding/index.js";
import { TableRecognitionBook } from "./recognition/index.js";
import { TableResourceLibrary } from "./knowledge/index.js";
import { TableMatchingBook } from "./matching/index.js";
import { TableSummariesBook } from "./summaries/index.js";
import { TablePlanBook } from "./plan/index.js";
import { TableMetricsBook } from "./metrics/index.js";
import { CommunityRows } from "./readCache.js";
import { ensureTables, openTables, type StorageAccount, type Tables } from "./tables.js";

export type { StorageAccount } from "./tables.js";
export { storageAnswers } from "./tables.js";

export interface Store {
  repos: Repositories;
  tables: Tables;
}

/** The repositories on the app's tables. Call `prepare()` (idempotent) to create missing tables. */
export function openStore(account: StorageAccount, log: Logger): Store & { prepare(): Promise<void> } {
  const tables = openTables(account);
  const storeLog = log.child({ component: "store" });
  const communityRows = new CommunityRows();
  return {
    tables,
    prepare: () => ensureTables(tables),
    repos: {
      communities: new TableCommunities(tables.communities, storeLog, communityRows),
      spaces: new TableSpaces(tables.communities, tables.spaceIndex, storeLog),
      members: new TableMembers(tables.communities, tables.personIndex, storeLog, communityRows),
      conversationRefs: new TableConversationRefs(tables.conversationRefs, storeLog),
      linkCodes: new TableLinkCodes(tables.linkCodes, storeLog),
      events: new TableEventBook(tables.communities, storeLog),
      surveys: new TableSurveyBook(tables.communities, tables.surveyResponses, tables.surveyKeys, storeLog),
      onboarding: new TableOnboardingBook(tables.communities, storeLog),
      recognition: new TableRecognitionBook(tables.communities, storeLog),
      resources: new TableResourceLibrary(tables.resources, storeLog),
      matching: new TableMatchingBook(tables.communities, storeLog),
      summaries: new TableSummariesBook(tables.communities, storeLog),
      plans: new TablePlanBook(tables.communities, storeLog),
      metrics: new TableMetricsBook(tables.communities, storeLog),
    },
  };
}
