/** Names that reach only this machine, as they appear in a Host header or a URL. */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * A Host header naming loopback, with or without a port. A web page whose own name resolves to 127.0.0.1
 * (DNS rebinding) still sends its own name, so this is what keeps such pages out of a loopback service.
 */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  const match = /^(\[::1\]|[A-Za-z0-9.]+)(?::(\d{1,5}))?$/.exec(host ?? "");
  return match !== null && LOOPBACK_HOSTS.has(match[1]!.toLowerCase());
}
