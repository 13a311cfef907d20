/**
 * End-to-end harness: Microsoft 365 Agents Playground (pinned 0.2.28, Teams channel emulation) driven by
 * Debian chromium through playwright-core.
 *
 * Selectors that work in Playground 0.2.28 (it has no data-testid; its CSS classes are generated, so
 * only roles, aria-labels and the Adaptive Cards renderer's `ac-*` classes are used):
 * - conversations in the left tree: role=treeitem, names "Personal Chat", "Group Chat",
 *   "My Team - General", "My Team - Announcements".
 * - message box: `[contenteditable][role=textbox]` (Enter sends). An @mention: type "@" and part of the
 *   bot's name, then pick role=menuitem "Test Bot" in the listbox aria-label "Typeahead menu".
 * - bot text renders as `<p>` inside the message bubble; the same text also shows in the chat list
 *   preview (a div) and in the Log Panel (a span), and the composer holds a `<p>` too, so text is
 *   matched on `p:not([contenteditable] p)` and `.ac-adaptiveCard`.
 * - cards: `.ac-adaptiveCard`; inputs are labelled (aria-labelledby) so getByLabel(label) finds them;
 *   a compact Input.ChoiceSet is a Fluent combobox (role=combobox named by its label) whose options
 *   are role=option in a popup outside the card; an expanded one is a block with its own `> label`
 *   and one `span > label` per choice (a role=radiogroup, or checkboxes when multi-select);
 *   an Input.Toggle is a checkbox with aria-label = its title;
 *   Action.* buttons are role=button named by their title, under `.ac-actionSet`.
 * - the Log Panel (`div[contenteditable="true"][spellcheck="false"]`, the only such element) lists each
 *   request to the bot and its status ("message 200", "invoke 200").
 */
import { spawn, type ChildProcess } from "node:child_process";
import { playgroundEnv } from "../../src/playground.js";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import getPort from "get-port";
import { chromium, type BrowserContext, type Locator, type Page } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PLAYGROUND_BIN = join(REPO_ROOT, "node_modules", ".bin", "agentsplayground");
const RESULTS_DIR = join(REPO_ROOT, "test-results");
/** The bot's display name in Playground 0.2.28 (it ignores the app manifest). */
export const PLAYGROUND_BOT_NAME = "Test Bot";

export interface PlaygroundOptions {
  /** The bot's messaging endpoint, e.g. http://127.0.0.1:3978/api/messages. */
  botUrl: string;
  /** Default wait for text, cards and controls. */
  timeoutMs?: number;
  startTimeoutMs?: number;
}

export interface Playground {
  /** The Playground's web UI, e.g. http://127.0.0.1:56150/. */
  url: string;
  /** The raw page, for anything the helpers do not cover. */
  page: Page;
  openPersonalChat(): Promise<void>;
  openGroupChat(): Promise<void>;
  openChannel(channel?: "General" | "Announcements"): Promise<void>;
  /** The text of the latest Adaptive Card that contains `text`. */
  cardWith(text: string): Promise<string>;
  /** Type a message and press Enter; `mention` @mentions the bot first (needed in group chats and channels). */
  send(text: string, options?: { mention?: boolean }): Promise<void>;
  /** Wait until the text shows in a message bubble or a card. */
  waitForText(text: string, options?: { timeoutMs?: number }): Promise<void>;
  /** The visible text of the latest Adaptive Card. */
  lastCard(): Promise<string>;
  /** Fill the input labelled `label` in the latest card that has it. */
  fillInput(label: string, value: string): Promise<void>;
  /** Pick `option` in the choice set labelled `label` (compact or expanded) in the latest card that has it. */
  choose(label: string, option: string): Promise<void>;
  /** Set the Input.Toggle whose title is `title` in the latest card that has it. */
  toggle(title: string, on?: boolean): Promise<void>;
  /** Click the card button titled `buttonTitle` in the latest card that has it. */
  click(buttonTitle: string): Promise<void>;
  /** Save a PNG of the page as test-results/<name>.png and return its path. */
  screenshot(name: string): Promise<string>;
  /** The Log Panel's text: one line per request to the bot with its status. */
  logText(): Promise<string>;
  /** Close chromium, stop the Playground and remove temp dirs; safe to call twice. */
  close(): Promise<void>;
}

function exactly(text: string): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*$`);
}

interface Started {
  child?: ChildProcess;
  context?: BrowserContext;
  dirs: string[];
}

/** Resolves with the port once the Playground prints "Listening on N"; its output is kept in `log`. */
function waitForListening(child: ChildProcess, log: { text: string }, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`Agents Playground did not listen within ${timeoutMs} ms:\n${log.text}`)), timeoutMs);
    const onData = (): void => {
      const match = /Listening on (\d+)/.exec(log.text);
      if (match) finish(undefined, Number(match[1]));
    };
    const onExit = (code: number | null): void => finish(new Error(`Agents Playground exited (${code}) before listening:\n${log.text}`));
    function finish(error: Error | undefined, port?: number): void {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.stderr?.off("data", onData);
      child.off("exit", onExit);
      if (error) reject(error);
      else resolve(port!);
    }
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", onExit);
  });
}

/** Kill the Playground's whole process group, politely first. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // already gone
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), 3000);
  await exited;
  clearTimeout(timer);
}

async function teardown(started: Started): Promise<void> {
  await started.context?.close().catch(() => undefined);
  if (started.child) await stopChild(started.child);
  await Promise.all(started.dirs.map((dir) => rm(dir, { recursive: true, force: true })));
}

export async function startPlayground(options: PlaygroundOptions): Promise<Playground> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`chromium not found at ${CHROMIUM_PATH}: run \`apt-get install -y chromium\` (.ci/run does it)`);
  }
  const timeout = options.timeoutMs ?? 15_000;
  const started: Started = { dirs: [] };
  // If the test process dies without close(), do not leave the Playground listening.
  const onExit = (): void => {
    if (started.child?.pid !== undefined && started.child.exitCode === null) {
      try {
        process.kill(-started.child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  };
  process.once("exit", onExit);

  try {
    // The Playground writes ./devTools/ into its working directory: keep it out of the repo.
    const cwd = await mkdtemp(join(tmpdir(), "playground-"));
    started.dirs.push(cwd);
    const port = await getPort({ host: "127.0.0.1" });
    started.child = spawn(
      PLAYGROUND_BIN,
      ["-e", options.botUrl, "-c", "msteams", "-p", String(port), "--disable-telemetry"],
      { cwd, detached: true, stdio: ["ignore", "pipe", "pipe"], env: playgroundEnv() },
    );
    // Keep draining its output (a full pipe would stall it) and keep the tail for error messages.
    const log = { text: "" };
    const keep = (chunk: Buffer): void => {
      log.text = (log.text + chunk.toString()).slice(-20_000);
    };
    started.child.stdout?.on("data", keep);
    started.child.stderr?.on("data", keep);
    const listening = await waitForListening(started.child, log, options.startTimeoutMs ?? 30_000);
    const url = `http://127.0.0.1:${listening}/`;

    const profile = await mkdtemp(join(tmpdir(), "chromium-profile-"));
    started.dirs.push(profile);
    started.context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: { width: 1280, height: 900 },
    });
    const context = started.context;
    context.setDefaultTimeout(timeout);
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(url);
    await page.getByRole("treeitem", { name: "Personal Chat" }).waitFor();

    // In a channel every post has its own reply box; the first box is always the new-conversation composer.
    const messageBox = page.locator("[contenteditable][role=textbox]").first();
    const cards = page.locator(".ac-adaptiveCard");
    /** The latest card holding the given control, so older cards with the same labels are skipped. */
    const latestCardWith = (control: (scope: Page | Locator) => Locator): Locator => control(cards.filter({ has: control(page) }).last());
    /**
     * Open a conversation and wait until its own composer shows: a chat's says "Type a message...", a
     * channel's "Start a new post". The composer element exists in both, so waiting for it alone let a
     * message typed right after switching land in the conversation being left (seen under CI load).
     */
    const openTreeItem = (name: string, composer: "Type a message..." | "Start a new post") => async (): Promise<void> => {
      await page.getByRole("treeitem", { name }).click();
      await page.getByText(composer, { exact: true }).waitFor();
      await messageBox.waitFor();
    };

    let closed = false;
    return {
      url,
      page,
      openPersonalChat: openTreeItem("Personal Chat", "Type a message..."),
      openGroupChat: openTreeItem("Group Chat", "Type a message..."),
      openChannel: (channel = "General") => openTreeItem(`My Team - ${channel}`, "Start a new post")(),
      async send(text, sendOptions = {}) {
        await messageBox.click();
        if (sendOptions.mention) {
          await page.keyboard.type(`@${PLAYGROUND_BOT_NAME.slice(0, 4)}`);
          await page.getByRole("listbox", { name: "Typeahead menu" }).getByRole("menuitem", { name: PLAYGROUND_BOT_NAME }).click();
          await page.keyboard.type(` ${text}`);
        } else {
          await messageBox.fill(text);
        }
        await page.keyboard.press("Enter");
      },
      async waitForText(text, waitOptions = {}) {
        await page
          .locator("p:not([contenteditable] p), .ac-adaptiveCard")
          .filter({ hasText: text })
          .first()
          .waitFor({ timeout: waitOptions.timeoutMs ?? timeout });
      },
      async cardWith(text) {
        // Channels list the newest post first, so find the card by what it says rather than by position.
        const card = cards.filter({ hasText: text }).last();
        await card.waitFor();
        return card.innerText();
      },
      async lastCard() {
        const card = cards.last();
        await card.waitFor();
        return card.innerText();
      },
      async fillInput(label, value) {
        await latestCardWith((scope) => scope.getByLabel(label, { exact: true })).fill(value);
      },
      async choose(label, option) {
        // Expanded choice sets: the field is the block whose own <label> is `label`; each choice has a <label> too.
        const field = (scope: Page | Locator): Locator =>
          scope.locator("div").filter({ has: page.locator(":scope > label", { hasText: exactly(label) }) });
        // A compact choice set is a combobox named by its label, or (Fluent, labelled by several elements) the one in that field.
        const named = (scope: Page | Locator): Locator => scope.getByRole("combobox", { name: label, exact: true });
        const inField = (scope: Page | Locator): Locator => field(scope).getByRole("combobox");
        for (const combobox of [named, inField]) {
          if ((await combobox(cards).count()) === 0) continue;
          await latestCardWith(combobox).click();
          await page.getByRole("option", { name: option, exact: true }).click();
          return;
        }
        const choice = (scope: Page | Locator): Locator => field(scope).locator("span > label", { hasText: exactly(option) });
        await latestCardWith(choice).click();
      },
      async toggle(title, on = true) {
        await latestCardWith((scope) => scope.getByRole("checkbox", { name: title, exact: true }).or(scope.getByLabel(title, { exact: true }))).setChecked(on);
      },
      async click(buttonTitle) {
        await latestCardWith((scope) => scope.getByRole("button", { name: buttonTitle, exact: true })).click();
      },
      async screenshot(name) {
        await mkdir(RESULTS_DIR, { recursive: true });
        const path = join(RESULTS_DIR, `${name}.png`);
        await page.screenshot({ path, fullPage: true });
        return path;
      },
      async logText() {
        return page.locator('div[contenteditable="true"][spellcheck="false"]').innerText();
      },
      async close() {
        if (closed) return;
        closed = true;
        process.off("exit", onExit);
        await teardown(started);
      },
    };
  } catch (error) {
    process.off("exit", onExit);
    await teardown(started);
    throw error;
  }
}
