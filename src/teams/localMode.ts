/**
 * Local mode has no authentication (no MICROSOFT_APP_ID), so the bot only talks with this machine: it
 * serves only requests addressed to a loopback name (a web page on another site that resolves its own
 * name to 127.0.0.1, DNS rebinding, still sends its own Host), and only replies to, or stores references
 * to, a loopback Bot Connector (the Agents Playground's).
 */

import { LOOPBACK_HOSTS } from "../loopback.js";

export { isLoopbackHostHeader } from "../loopback.js";

/** An http(s) URL on a loopback host, without credentials. */
export function isLoopbackServiceUrl(serviceUrl: unknown): boolean {
  if (typeof serviceUrl !== "string") return false;
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return false;
  }
  return (url.protocol === "http:" || url.protocol === "https:") && !url.username && !url.password && LOOPBACK_HOSTS.has(url.hostname);
}

export const LOCAL_MODE_REFUSALS = {
  host: { error: "forbidden", message: "Local mode (no MICROSOFT_APP_ID) only serves requests addressed to localhost, 127.0.0.1 or [::1]." },
  serviceUrl: { error: "bad_request", message: "Local mode (no MICROSOFT_APP_ID) only accepts activities whose serviceUrl is a loopback http(s) URL." },
} as const;
