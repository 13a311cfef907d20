import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startApp, type RunningApp } from "../../src/app.js";
import type { Delivery } from "../../src/core/kernel/kernel.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/log.js";
import { runApp, type AppProcess } from "../support/child.js";
import { ANA, CHANNEL, CHARTER_VALUES, PEOPLE, formOf, kinds, texts } from "../support/core.js";

describe("starting and stopping the app", () => {
  const dirs: string[] = [];
  let running: AppProcess | undefined;
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), "cop-data-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    running?.child.kill("SIGKILL");
    running = undefined;
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it("starts on the embedded default with no settings, answers /healthz, and stops cleanly on SIGTERM", async () => {
    running = runApp({ DATA_DIR: await tempDir() });
    const url = await running.listening;
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(running.lines.map((l) => l.msg)).toEqual(expect.arrayContaining(["embedded storage (Azurite) started", `GET ${url}/healthz: health and storage status`]));

    running.child.kill("SIGTERM");
    expect(await running.exited).toBe(0);
    expect(running.lines.at(-1)?.msg).toBe("stopped");
  });

  it("exits 1 with one clear line per bad setting, starting nothing", async () => {
    running = runApp({ PORT: "http", HOST: "0.0.0.0" });
    expect(await running.exited).toBe(1);
    expect(running.stderr()).toContain("cop-companion cannot start; fix these settings:");
    expect(running.stderr()).toMatch(/- PORT: expected a port number/);
    expect(running.lines).toEqual([]);
  });

  // Two app processes start one after the other: slow on a busy machine.
  it("refuses to start a second app on the same DATA_DIR with one clear line, leaving the first one running", { timeout: 60_000 }, async () => {
    const dataDir = await tempDir();
    running = runApp({ DATA_DIR: dataDir });
    const url = await running.listening;
    const first = running.child.pid;

    const second = runApp({ DATA_DIR: dataDir });
    try {
      expect(await second.exited).toBe(1);
      expect(second.stderr().trim().split("\n")).toEqual([
        `cop-companion cannot start: ${join(dataDir, "azurite")} is in use by another cop-companion (pid ${first}); stop that one first, or give this one its own DATA_DIR`,
      ]);
    } finally {
      second.child.kill("SIGKILL");
    }
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it("keeps a created community, and the key its forms are sealed with, across a restart on the same DATA_DIR", async () => {
    const config = loadConfig({ DATA_DIR: await tempDir(), PORT: "0", PLAYGROUND: "off" });
    const log = createLogger("silent");
    const say = (app: RunningApp, text: string) => app.kernel.handle({ actor: ANA, space: CHANNEL, ask: { kind: "text", text, mentions: [] } }, PEOPLE);
    const submit = (app: RunningApp, shown: Delivery, values: Record<string, string | string[]>) => {
      const form = formOf(shown);
      return app.kernel.handle({ actor: ANA, space: CHANNEL, ask: { kind: "form", verb: form.verb, token: form.token, values } }, PEOPLE);
    };
    const first = await startApp(config, { log });
    expect(kinds(await submit(first, await say(first, "setup"), CHARTER_VALUES))).toEqual(["reply", "post"]);
    const edit = await say(first, "edit");
    await first.stop();

    const second = await startApp(config, { log });
    try {
      const charter = await say(second, "charter");
      expect(kinds(charter)).toEqual(["reply"]);
      expect(texts(charter)[0]).toMatch(/^Data Stewards\n/);
      expect(texts(charter)[0]).toMatch(/Facilitated by\nAna Duarte/);
      // A form opened before the restart is still ours after it.
      const saved = await submit(second, edit, { ...CHARTER_VALUES, name: "Data Stewards Network" });
      expect(texts(saved)[0]).toMatch(/charter of Data Stewards Network was updated/);
    } finally {
      await second.stop();
    }
  });
});
