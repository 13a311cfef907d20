import { readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { parse } from "yaml";
import { z } from "zod";
import { t } from "../core/i18n/index.js";
import type { Logger } from "../log.js";

const MANIFEST = new URL("../../manifests/slack/manifest.yaml", import.meta.url);

/** The bot scopes an OAuth install asks for: exactly those the app manifest declares. */
export function manifestBotScopes(path: URL = MANIFEST): string[] {
  const Scopes = z.object({ oauth_config: z.object({ scopes: z.object({ bot: z.array(z.string()).min(1) }) }) });
  return Scopes.parse(parse(readFileSync(path, "utf8"))).oauth_config.scopes.bot;
}

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

/** The /slack/install page: one link to Slack's consent screen (the state cookie is already set). */
export function installPage(url: string): string {
  return page(t("en", "slack.install.title"), `<p><a href="${escapeHtml(url)}">${escapeHtml(t("en", "slack.install.button"))}</a></p>`);
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8" });
  res.end(html);
}

/** What the person sees after Slack's consent screen sends them back. */
export function oauthCallbacks(log: Logger) {
  return {
    success: (_installation: unknown, _options: unknown, _req: unknown, res: ServerResponse) => {
      send(res, 200, page(t("en", "slack.install.title"), `<p>${escapeHtml(t("en", "slack.install.success"))}</p>`));
    },
    failure: (error: { code?: string; message?: string }, _options: unknown, _req: unknown, res: ServerResponse) => {
      log.warn({ code: error.code, err: error.message }, "slack installation failed");
      send(res, 400, page(t("en", "slack.install.title"), `<p>${escapeHtml(t("en", "slack.install.failure"))}</p>`));
    },
  };
}
