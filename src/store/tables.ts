import { TableClient, TableServiceClient } from "@azure/data-tables";

/** The tables the app keeps; each name gets the configured prefix (tests use one per test). */
export const TABLE_NAMES = {
  communities: "Communities",
  spaceIndex: "SpaceIndex",
  personIndex: "PersonIndex",
  conversationRefs: "ConversationRefs",
  linkCodes: "LinkCodes",
  settings: "Settings",
  surveyResponses: "SurveyResponses",
  surveyKeys: "SurveyKeys",
  resources: "Resources",
} as const;
export type TableName = keyof typeof TABLE_NAMES;

export interface StorageAccount {
  connectionString: string;
  tablePrefix?: string;
}

const insecure = (connectionString: string) => /DefaultEndpointsProtocol=http;|Endpoint=http:\/\//i.test(connectionString);

export function tableClient(account: StorageAccount, name: string): TableClient {
  return TableClient.fromConnectionString(account.connectionString, `${account.tablePrefix ?? ""}${name}`, {
    allowInsecureConnection: insecure(account.connectionString),
  });
}

export function tableService(account: StorageAccount): TableServiceClient {
  return TableServiceClient.fromConnectionString(account.connectionString, {
    allowInsecureConnection: insecure(account.connectionString),
  });
}

export type Tables = Record<TableName, TableClient>;

export function openTables(account: StorageAccount): Tables {
  return Object.fromEntries(
    Object.entries(TABLE_NAMES).map(([key, name]) => [key, tableClient(account, name)]),
  ) as Tables;
}

/** Creates every table that does not exist yet (idempotent: run on each start-up). */
export async function ensureTables(tables: Record<string, TableClient>): Promise<void> {
  await Promise.all(Object.values(tables).map((table) => table.createTable()));
}

/** True when the storage account answers within `timeoutMs`. */
export async function storageAnswers(account: StorageAccount, timeoutMs = 2000): Promise<boolean> {
  try {
    await tableService(account).getProperties({ abortSignal: AbortSignal.timeout(timeoutMs) });
    return true;
  } catch {
    return false;
  }
}
