import type { z } from "zod";
import type { Logger } from "../log.js";

/** What a job handler gets besides its payload. */
export interface JobContext {
  key: string;
  kind: string;
  dueAt: Date;
  /** 1 on the first run; more after failed attempts or a takeover from a stopped instance. */
  attempt: number;
  /** How long after its due time the job started. */
  lateMs: number;
  /**
   * Aborted when this instance lost the job's lease or is shutting down: stop and return (or throw).
   * Either way the run counts as unfinished: the job is handed back, or left to the instance that took it over.
   */
  signal: AbortSignal;
  log: Logger;
}

/** A kind of job: the schema its payload must satisfy (when scheduled and when run) and what it does. */
export interface JobDefinition<P> {
  schema: z.ZodType<P, z.ZodTypeDef, unknown>;
  /** Must be idempotent: after a crash, a job can run again from the start. */
  run(payload: P, context: JobContext): Promise<void>;
}

/** kind -> definition. Kinds are stored in job rows: never rename one that may still be scheduled. */
export class JobRegistry {
  private readonly definitions = new Map<string, JobDefinition<unknown>>();

  register<P>(kind: string, definition: JobDefinition<P>): this {
    if (this.definitions.has(kind)) throw new Error(`job kind ${kind} is registered twice`);
    this.definitions.set(kind, definition as JobDefinition<unknown>);
    return this;
  }

  get(kind: string): JobDefinition<unknown> | undefined {
    return this.definitions.get(kind);
  }

  kinds(): string[] {
    return [...this.definitions.keys()];
  }
}
