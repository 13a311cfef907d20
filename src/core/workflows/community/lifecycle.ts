import type { CommunityStatus } from "../../domain.js";

/**
 * The stages a community moves through, and the moves allowed between them: forward one stage, back from
 * wrapping-up to launched, closing from any open stage (confirmed), and reopening a closed community
 * (facilitators only, confirmed) to launched.
 */
export const NEXT: Record<CommunityStatus, readonly CommunityStatus[]> = {
  pilot: ["launched", "closed"],
  launched: ["wrapping-up", "closed"],
  "wrapping-up": ["launched", "closed"],
  closed: ["launched"],
};

export type Move = "advance" | "close" | "reopen";

export function moveOf(from: CommunityStatus, to: CommunityStatus): Move | "same" | "not-allowed" {
  if (from === to) return "same";
  if (!NEXT[from].includes(to)) return "not-allowed";
  if (to === "closed") return "close";
  if (from === "closed") return "reopen";
  return "advance";
}
