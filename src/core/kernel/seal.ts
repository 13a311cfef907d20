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

  private mac(key: Buffer, body: string): string {
    return createHmac("sha256", key).update(body).digest("base64url");
  }
}
