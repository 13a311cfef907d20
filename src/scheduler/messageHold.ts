import type { QueueClient } from "@azure/storage-queue";
import type { Logger } from "../log.js";
import type { Carrier } from "./carriers.js";
import { repeatEvery, type Repeat } from "./lease.js";

/** 404: the message is gone; 400 PopReceiptMismatch: another worker received it since (its visibility lapsed). */
export function gone(error: unknown): boolean {
  const e = error as { statusCode?: number; code?: string; details?: { errorCode?: string } } | undefined;
  return e?.statusCode === 404 || (e?.statusCode === 400 && (e.code ?? e.details?.errorCode) === "PopReceiptMismatch");
}

interface Deps {
  queue: QueueClient;
  log: Logger;
  visibilityTimeoutSec: number;
  repeat?: Repeat;
}

/**
 * Keeps a batch's messages invisible to other workers for as long as this one holds them: every third
 * of the visibility timeout each is hidden for a whole timeout again (a new pop receipt each time). So a
 * platform call slower than the timeout never lets another instance send to the same recipients.
 */
export class MessageHold {
  private extending: Promise<void> | undefined;
  private readonly stopExtending: () => void;

  constructor(
    private readonly deps: Deps,
    private readonly carriers: Carrier[],
  ) {
    this.stopExtending = (deps.repeat ?? repeatEvery)(Math.max(100, (deps.visibilityTimeoutSec * 1000) / 3), () => this.extend());
  }

  /** Stops extending and waits for an extension in flight, so each message is settled with its latest pop receipt. */
  async end(): Promise<void> {
    this.stopExtending();
    await this.extending;
  }

  private extend(): void {
    if (this.extending) return;
    this.extending = Promise.all(this.carriers.filter((c) => !c.lost).map((c) => this.extendOne(c)))
      .then(() => undefined)
      .finally(() => {
        this.extending = undefined;
      });
  }

  private async extendOne(carrier: Carrier): Promise<void> {
    const { queue, log, visibilityTimeoutSec } = this.deps;
    const { item } = carrier;
    try {
      const extended = await queue.updateMessage(item.messageId, item.popReceipt, undefined, visibilityTimeoutSec);
      carrier.item = { ...item, popReceipt: extended.popReceipt ?? item.popReceipt, nextVisibleOn: extended.nextVisibleOn ?? item.nextVisibleOn };
    } catch (error) {
      if (!gone(error)) return log.warn({ err: error, fanoutId: carrier.message.f }, "extending a held message's visibility failed; will try again");
      // The process stalled past the timeout: another worker may hold it now, so this one sends no more from it.
      carrier.lost = true;
      log.warn({ fanoutId: carrier.message.f, messageId: item.messageId }, "a held message became visible before it was extended; sending no more from it");
    }
  }
}
