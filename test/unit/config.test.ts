import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe("configuration", () => {
  it("needs no variable at all: embedded storage, local Teams, Slack off, loopback on 3978", () => {
    const config = loadConfig({});
    expect(config.port).toBe(3978);
    expect(config.host).toBe("127.0.0.1");
    expect(config.storage.mode).toBe("embedded");
    expect(config.dataDir).toMatch(/\.data$/);
    expect(config.teams).toEqual({ mode: "local" });
    expect(config.slack).toEqual({ mode: "off" });
  });

  it("treats empty variables as unset", () => {
    expect(loadConfig({ AZURE_STORAGE_CONNECTION_STRING: "", SLACK_BOT_TOKEN: "  " }).slack.mode).toBe("off");
  });

  it("names each bad variable and what it expects", () => {
    const problems = problemsOf({ PORT: "eighty", LOG_LEVEL: "loud", MICROSOFT_APP_ID: "not-a-guid" });
    expect(problems).toHaveLength(3);
    expect(problems.find((p) => p.startsWith("PORT:"))).toContain("a port number");
    expect(problems.find((p) => p.startsWith("LOG_LEVEL:"))).toContain("info");
    expect(problems.find((p) => p.startsWith("MICROSOFT_APP_ID:"))).toContain("GUID");
  });

  it("takes the listening sockets as a whole number from 1 to 64, unset by default", () => {
    expect(loadConfig({}).listeners).toBeUndefined();
    expect(loadConfig({ HTTP_LISTENERS: "4" }).listeners).toBe(4);
    for (const bad of ["0", "65", "2.5", "many"]) expect(problemsOf({ HTTP_LISTENERS: bad })).toEqual(["HTTP_LISTENERS: expected a whole number from 1 to 64"]);
  });

  it("refuses local (unauthenticated) Teams mode on a non-loopback host", () => {
    expect(problemsOf({ HOST: "0.0.0.0" })[0]).toMatch(/^HOST: .*MICROSOFT_APP_ID/);
    expect(loadConfig({ HOST: "::1" }).teams.mode).toBe("local");
  });

  it("requires the tenant and secret of a single-tenant bot", () => {
    const problems = problemsOf({ MICROSOFT_APP_ID: "00000000-0000-0000-0000-000000000001", HOST: "0.0.0.0" });
    expect(problems).toEqual([
      expect.stringMatching(/^MICROSOFT_APP_TENANT_ID: required/),
      expect.stringMatching(/^MICROSOFT_APP_PASSWORD: required/),
    ]);
  });

  it("accepts a managed-identity bot without a password", () => {
    const config = loadConfig({
      MICROSOFT_APP_ID: "00000000-0000-0000-0000-000000000001",
      MICROSOFT_APP_TENANT_ID: "00000000-0000-0000-0000-000000000002",
      MICROSOFT_APP_TYPE: "UserAssignedMSI",
      HOST: "0.0.0.0",
    });
    expect(config.teams).toMatchObject({ mode: "authenticated", appType: "UserAssignedMSI" });
    expect(config.playground).toBe(false);
  });

  it("chooses the Slack mode from the variables given, and says what is missing", () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s" }).slack.mode).toBe("single-workspace");
    expect(problemsOf({ SLACK_BOT_TOKEN: "xoxb-1" })).toEqual([expect.stringMatching(/^SLACK_SIGNING_SECRET: required/)]);
    expect(problemsOf({ SLACK_BOT_TOKEN: "xoxp-user" })[0]).toMatch(/^SLACK_BOT_TOKEN: expected a bot token/);
    expect(problemsOf({ SLACK_CLIENT_ID: "1.2" }).map((p) => p.split(":")[0])).toEqual([
      "SLACK_CLIENT_SECRET",
      "SLACK_STATE_SECRET",
      "SLACK_SIGNING_SECRET",
    ]);
  });

  it("refuses a Key Vault reference App Service could not resolve", () => {
    expect(problemsOf({ SLACK_SIGNING_SECRET: "@Microsoft.KeyVault(SecretUri=https://kv/secrets/s)", SLACK_BOT_TOKEN: "xoxb-1" })).toEqual([
      expect.stringMatching(/^SLACK_SIGNING_SECRET: is an unresolved Key Vault reference/),
    ]);
  });

  const BOT = {
    MICROSOFT_APP_ID: "00000000-0000-0000-0000-000000000001",
    MICROSOFT_APP_TENANT_ID: "00000000-0000-0000-0000-000000000002",
    MICROSOFT_APP_TYPE: "UserAssignedMSI",
  };

  it("uses a configured storage account instead of the embedded one", () => {
    const config = loadConfig({ ...BOT, AZURE_STORAGE_CONNECTION_STRING: "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=b" });
    expect(config.storage).toEqual({ mode: "account", connectionString: expect.stringContaining("AccountName=a") });
    expect(problemsOf({ AZURE_STORAGE_CONNECTION_STRING: "hello" })[0]).toMatch(/^AZURE_STORAGE_CONNECTION_STRING:/);
  });

  it("refuses local (unauthenticated) Teams mode with a remote storage account, even on loopback", () => {
    const key = "AccountKey=bm90LWEta2V5";
    const remote = [
      `DefaultEndpointsProtocol=https;AccountName=copprod;${key};EndpointSuffix=core.windows.net`,
      `DefaultEndpointsProtocol=https;AccountName=copprod;${key}`,
      `AccountName=devstoreaccount1;${key};TableEndpoint=https://storage.example.org/devstoreaccount1;QueueEndpoint=https://storage.example.org/devstoreaccount1`,
      `AccountName=devstoreaccount1;${key};TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;QueueEndpoint=https://copprod.queue.core.windows.net`,
      `AccountName=devstoreaccount1;${key};TableEndpoint=http://127.0.0.1:10002/devstoreaccount1`,
      "TableEndpoint=https://copprod.table.core.windows.net;QueueEndpoint=https://copprod.queue.core.windows.net;SharedAccessSignature=sv=2024&sig=x",
      "UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://proxy.example.org",
      `AccountName=devstoreaccount1;${key};TableEndpoint=http://127.0.0.1.nip.io:10002/devstoreaccount1;QueueEndpoint=http://127.0.0.1.nip.io:10001/devstoreaccount1`,
    ];
    for (const connection of remote) {
      expect(problemsOf({ AZURE_STORAGE_CONNECTION_STRING: connection }), connection).toEqual([
        expect.stringMatching(/^AZURE_STORAGE_CONNECTION_STRING: names a remote storage account, but without MICROSOFT_APP_ID .*set MICROSOFT_APP_ID/),
      ]);
      expect(loadConfig({ ...BOT, AZURE_STORAGE_CONNECTION_STRING: connection }).storage.mode, connection).toBe("account");
    }
  });

  it("allows local mode with a storage emulator on loopback", () => {
    const emulators = [
      "UseDevelopmentStorage=true",
      "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=bm90LWEta2V5;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;",
      "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=bm90LWEta2V5;TableEndpoint=http://localhost:10002/devstoreaccount1;QueueEndpoint=http://[::1]:10001/devstoreaccount1;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1",
    ];
    for (const connection of emulators) expect(loadConfig({ AZURE_STORAGE_CONNECTION_STRING: connection }).teams.mode, connection).toBe("local");
  });
});
