import type { MessageKey } from "./i18n/index.js";

export type DomainErrorCode = "forbidden" | "not_found" | "invalid_input" | "conflict";

/**
 * An expected failure a person should be told about: it carries a catalog key and its parameters,
 * so each adapter can answer in the reader's language, privately to the person who asked.
 */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    readonly messageKey: MessageKey,
    /** Text people typed (string), numbers, or for each reader: `{ typed }` a command, `{ word }` a catalog word. */
    readonly params: Record<string, string | number | { typed: string; shared?: boolean } | { word: string } | { code: string }> = {},
  ) {
    super(`${code}: ${messageKey}`);
    this.name = "DomainError";
  }
}

/** A write lost an optimistic-concurrency race (HTTP 412 on the ETag); the caller may re-read and retry. */
export class ConcurrencyError extends Error {
  constructor(readonly entity: string) {
    super(`${entity} was changed by someone else`);
    this.name = "ConcurrencyError";
  }
}
