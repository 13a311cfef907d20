import type { MessageKey } from "../i18n/index.js";
import type { FanoutAudienceSpec } from "./audience.js";

/**
 * A card to show, not yet rendered: a presenter's name and its data. The kernel renders it for the asker;
 * a fan-out renders it per recipient at delivery time, in each one's language and zone.
 */
export interface CardRef {
  presenter: string;
  data: unknown;
}

/** A form to show the asker: its values (typed before, or stored), errors, and the version it edits. */
export interface FormRef {
  form: string;
  values: Record<string, string | string[]>;
  errors?: Record<string, string>;
  /** A form-level error shown above the fields (neutral markdown). */
  error?: string;
  /** The ETag of what the form edits, checked again on submission. */
  version?: string;
  /** Arguments the submission carries back, sealed with the form (ids of what is edited). */
  args?: Record<string, string>;
  /** What the form's opener button sends where the form cannot open by itself (which thing it edits). */
  reopenWith?: Record<string, string>;
}

/** A file for the asker alone (an export, a report download); the kernel checks its name, type and size. */
export interface FileRef {
  name: string;
  mime: string;
  bytes: Buffer | string;
  /** Plain words naming it (shown with the file). */
  title: string;
  /** The line sent with it; "Here is {title}" by default. Its params are escaped like any catalog text. */
  summaryKey?: MessageKey;
  summaryParams?: Record<string, string | number>;
}

export type Effect =
  /** Only the asker sees it: Slack ephemeral; Teams the clicker's refreshed card or their 1:1 chat. */
  | { kind: "reply"; card: CardRef; secret?: boolean }
  /** Everyone in the space the request came from, or in every space of the community (both platforms). */
  /** `copies`: a key the workflow chooses; every copy this post becomes is recorded under it (see `refreshCopies`). */
  | { kind: "post"; card: CardRef; to: "space" | "community"; copies?: string }
  /** Replaces the message whose button was pressed: for the asker only, or for everyone. */
  | { kind: "replace"; card: CardRef; for: "actor" | "everyone" }
  | { kind: "form"; form: FormRef }
  | { kind: "schedule"; job: { kind: string; key: string; dueAt: Date; payload: unknown } }
  | { kind: "cancel"; key: string }
  /** One card to many people or spaces, rendered per recipient when it is delivered. */
  | { kind: "fanout"; audience: FanoutAudienceSpec; card: CardRef; fanoutId: string; showProgress?: boolean }
  /** Always private: Slack uploads it into the asker's DM; Teams offers it in their 1:1 chat (file consent). */
  | { kind: "file"; file: FileRef }
  /** Re-renders every recorded copy of `of` in place, from the card the copy source `source` loads then (coalesced). */
  | { kind: "refreshCopies"; of: string; source: string; args: unknown };

export interface Outcome {
  effects: Effect[];
}

export const outcome = (...effects: Effect[]): Outcome => ({ effects });
export const reply = (presenter: string, data: unknown, secret = false): Effect => ({ kind: "reply", card: { presenter, data }, ...(secret ? { secret } : {}) });
export const post = (to: "space" | "community", presenter: string, data: unknown, copies?: string): Effect => ({ kind: "post", to, card: { presenter, data }, ...(copies ? { copies } : {}) });
/** Updates every copy of a posted card (in every linked space) to what `source` loads when the refresh runs. */
export const refreshCopies = (of: string, source: string, args: unknown): Effect => ({ kind: "refreshCopies", of, source, args });
export const replace = (forWhom: "actor" | "everyone", presenter: string, data: unknown): Effect => ({ kind: "replace", for: forWhom, card: { presenter, data } });
export const openForm = (form: FormRef): Effect => ({ kind: "form", form });
export const file = (f: FileRef): Effect => ({ kind: "file", file: f });
