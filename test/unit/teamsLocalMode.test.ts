import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it, vi } from "vitest";
import { playgroundEnv } from "../../src/playground.js";
import { isLoopbackHostHeader, isLoopbackServiceUrl } from "../../src/teams/localMode.js";

const run = promisify(execFile);

describe("local mode: loopback only", () => {
  it("takes a Host header naming 127.0.0.1, localhost or [::1], with any port", () => {
    for (const host of ["127.0.0.1", "127.0.0.1:3978", "localhost", "LocalHost:1", "[::1]", "[::1]:65535"]) expect(isLoopbackHostHeader(host), host).toBe(true);
    for (const host of [undefined, "", "evil.example", "localhost.evil.example", "127.0.0.1.nip.io", "evil@127.0.0.1", "127.0.0.1:80:80", "[::1]x", "::1", "127.0.0.1 ", "0.0.0.0"]) {
      expect(isLoopbackHostHeader(host), String(host)).toBe(false);
    }
  });

  it("takes a serviceUrl that is http(s) on a loopback host, without credentials", () => {
    for (const url of ["http://localhost:56150/_connector", "http://127.0.0.1:56150/_connector", "https://[::1]/", "http://127.0.0.1:1234/"]) expect(isLoopbackServiceUrl(url), url).toBe(true);
    for (const url of [undefined, 42, "", "https://smba.trafficmanager.net/emea/", "http://127.0.0.1.evil.example/", "http://a:b@localhost/", "file:///etc/passwd", "ws://localhost/", "http://10.0.0.1/"]) {
      expect(isLoopbackServiceUrl(url), String(url)).toBe(false);
    }
  });
});

describe("the Agents Playground's environment", () => {
  const secrets = {
    SLACK_BOT_TOKEN: "xoxb-not-a-real-token",
    SLACK_SIGNING_SECRET: "not-a-real-secret",
    SLACK_CLIENT_SECRET: "not-a-real-client-secret",
    AZURE_STORAGE_CONNECTION_STRING: "DefaultEndpointsProtocol=https;AccountKey=bm90LWEta2V5",
    MICROSOFT_APP_PASSWORD: "not-a-real-password",
  };

  it("is a short allow list: what it needs to run, the loopback preload and no browser, never the app's secrets", () => {
    const env = playgroundEnv({ PATH: "/usr/bin", HOME: "/home/cop", LANG: "C.UTF-8", NODE_OPTIONS: "--max-old-space-size=512", ...secrets });
    expect(Object.keys(env).sort()).toEqual(["HOME", "LANG", "NODE_OPTIONS", "PATH", "TEAMSAPPTESTER_BROWSER"]);
    expect(env).toMatchObject({ PATH: "/usr/bin", HOME: "/home/cop", TEAMSAPPTESTER_BROWSER: "none" });
    expect(env.NODE_OPTIONS).toMatch(/^--max-old-space-size=512 --require ".*loopbackOnly\.cjs"$/);
  });

  it("reaches the child process without the secrets of the process that starts it", async () => {
    for (const [name, value] of Object.entries(secrets)) vi.stubEnv(name, value);
    try {
      const { stdout } = await run(process.execPath, ["-e", "console.log(JSON.stringify(process.env))"], { env: playgroundEnv() });
      const seen = JSON.stringify(JSON.parse(stdout));
      for (const [name, value] of Object.entries(secrets)) {
        expect(seen).not.toContain(name);
        expect(seen).not.toContain(value);
      }
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
