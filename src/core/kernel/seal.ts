import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { PersonKey, SpaceRef } from "../domain.js";

/**
 * A form's context, sealed with the app's secret: where it was opened, by whom, what it edits and at which
 * version. Adapters carry it (Teams card data, Slack private_metadata) but cannot change it unnoticed.
 */
export const FormSeal = z.object({
  form: z.string(),
  space: SpaceRef,
  by: PersonKey,
  version: z.string().optional(),
  args: z.record(z.string()).default({}),
  /** Expiry, epoch milliseconds: an old form is refused politely, not applied. */
  exp: z.number(),
});
export type FormSeal = z.infer<typeof FormSeal>;

/** How long an opened form stays valid. */
export const FORM_HOURS = 24;

/**
 * Seals and opens form contexts with the app's key. The key comes from storage (the same for every
 * instance), read when first needed, so the app starts while storage is still unreachable.
 */
export class Sealer {
  private key?: Promise<Buffer>;

  constructor(private readonly loadKey: () => Promise<Buffer>) {}

  private async keyOf(): Promise<Buffer> {
    this.key ??= this.loadKey().catch((error: unknown) => {
      this.key = undefined;
      throw error;
    });
    return this.key;
  }

  async seal(value: FormSeal): Promise<string> {
    const body = Buffer.from(JSON.stringify(value)).toString("base64url");
    return `${body}.${this.mac(await this.keyOf(), body)}`;
  }

  /** The sealed context, or why not: tampered with (or not ours), or expired. */
  async open(token: string, now: Date): Promise<{ ok: true; seal: FormSeal } | { ok: false; why: "invalid" } | { ok: false; why: "expired"; seal: FormSeal }> {
    const [body, mac] = token.split(".");
    if (!body || !mac) return { ok: false, why: "invalid" };
    const expected = Buffer.from(this.mac(await this.keyOf(), body));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, why: "invalid" };
    try {
      const seal = FormSeal.parse(JSON.parse(Buffer.from(body, "base64url").toString()));
      return seal.exp < now.getTime() ? { ok: false, why: "expired", seal } : { ok: true, seal };
    } catch {
      return { ok: false, why: "invalid" };
    }
  }

  /**
   * A link token naming what it opens (`parts`, e.g. a community and an event): unguessable and unforgeable
   * without the app's key, and valid for `purpose` only (a form's seal never opens a link, nor one link another).
   */
  async sealLink(purpose: string, parts: string[]): Promise<string> {
    const body = Buffer.from(JSON.stringify(parts)).toString("base64url");
    return `${body}.${this.mac(await this.keyOf(), `${purpose}\n${body}`)}`;
  }

  /** What a link token names, or undefined when it was not sealed by this app for `purpose`. */
  async openLink(purpose: string, token: string): Promise<string[] | undefined> {
    const [body, mac, extra] = token.split(".");
    if (!body || !mac || extra !== undefined) return undefined;
    const expected = Buffer.from(this.mac(await this.keyOf(), `${purpose}\n${body}`));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    const parts = z.array(z.string()).safeParse(safeJson(Buffer.from(body, "base64url").toString()));
    return parts.success ? parts.data : undefined;
  }

  private mac(key: Buffer, body: string): string {
    return createHmac("sha256", key).update(body).digest("base64url");
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
