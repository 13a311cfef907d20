import type { Card } from "../core/kernel/card.js";
import type { CardRef } from "../core/kernel/outcome.js";
import type { Reader } from "../core/kernel/reader.js";
import { decodeKey } from "../core/domain.js";
import type { DeliveryTarget } from "../core/ports.js";
import type { FanoutRecord } from "./records.js";

/** Renders a card for one reader (the kernel's presenters, with only the buttons everyone may press). */
export type Present = (card: Pick<CardRef, "presenter"> & { data?: unknown }, reader: Reader) => Card;

/** Who reads a delivery: a person in their 1:1 chat, in their own language when known; a space in the sender's. */
export function readerFor(fanout: Pick<FanoutRecord, "locale">, target: DeliveryTarget & { locale?: string }): Reader {
  const key = target.kind === "space" ? target.spaceKey : target.personKey;
  return { locale: (target.kind === "person" ? target.locale : undefined) ?? fanout.locale, platform: decodeKey(key).platform, personal: target.kind === "person" };
}
