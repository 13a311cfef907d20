import type { FormSpec } from "./forms.js";
import type { CommandDef, CopySourceDef, JobDef, Mention, PresenterDef, RegistryView, RouteDef, SpaceEvents, Workflow } from "./workflow.js";

const normalise = (text: string) => text.trim().replace(/\s+/g, " ");

/**
 * Every workflow's declarations, indexed: dispatch, text parsing, help, action routing, jobs and the
 * permission check all read from here. A verb, form, presenter or job kind declared twice fails at start.
 */
export class Registry implements RegistryView {
  private readonly byVerb = new Map<string, CommandDef>();
  private readonly phrases: Array<{ words: string; def: CommandDef }> = [];
  private readonly presenters = new Map<string, PresenterDef>();
  private readonly forms = new Map<string, FormSpec>();
  private readonly jobs = new Map<string, JobDef>();
  private readonly copySources = new Map<string, CopySourceDef>();
  private readonly routesByPath = new Map<string, { workflow: string; def: RouteDef }>();
  readonly events: SpaceEvents[] = [];

  constructor(readonly workflows: readonly Workflow[]) {
    for (const workflow of workflows) {
      for (const def of workflow.commands) {
        unique(this.byVerb, def.verb, def as CommandDef, "command");
        for (const words of def.text?.words ?? []) this.phrases.push({ words, def: def as CommandDef });
      }
      for (const p of workflow.presenters) unique(this.presenters, p.name, p as PresenterDef, "presenter");
      for (const f of workflow.forms ?? []) unique(this.forms, f.name, f as FormSpec, "form");
      for (const j of workflow.jobs ?? []) unique(this.jobs, j.kind, j as JobDef, "job kind");
      for (const r of workflow.routes ?? []) unique(this.routesByPath, `${workflow.name}/${r.path}`, { workflow: workflow.name, def: r as RouteDef }, "route");
      for (const c of workflow.copySources ?? []) unique(this.copySources, c.name, c as CopySourceDef, "copy source");
      if (workflow.events) this.events.push(workflow.events);
    }
    // Longest phrase first, so "edit charter" wins over "edit".
    this.phrases.sort((a, b) => b.words.length - a.words.length);
  }

  command(verb: string): CommandDef | undefined {
    return this.byVerb.get(verb);
  }

  commands(): ReadonlyArray<CommandDef> {
    return [...this.byVerb.values()];
  }

  /** The commands run from a message's menu, for the adapters and the manifests. */
  messageActions(): CommandDef[] {
    return [...this.byVerb.values()].filter((def) => def.messageAction);
  }

  presenter(name: string): PresenterDef | undefined {
    return this.presenters.get(name);
  }

  presenterNames(): string[] {
    return [...this.presenters.keys()];
  }

  form(name: string): FormSpec | undefined {
    return this.forms.get(name);
  }

  job(kind: string): JobDef | undefined {
    return this.jobs.get(kind);
  }

  copySource(name: string): CopySourceDef | undefined {
    return this.copySources.get(name);
  }

  jobKinds(): JobDef[] {
    return [...this.jobs.values()];
  }

  /** Every workflow's read-only HTTP routes, with the workflow that declared each (its path prefix). */
  routes(): Array<{ workflow: string; def: RouteDef }> {
    return [...this.routesByPath.values()];
  }

  /** What was typed as a command and its raw input, or undefined when no command starts that way. */
  parseText(text: string, mentions: Mention[]): { def: CommandDef; raw: unknown } | undefined {
    const said = normalise(text);
    const lower = said.toLowerCase();
    for (const { words, def } of this.phrases) {
      if (lower === words || lower.startsWith(`${words} `)) {
        const rest = said.slice(words.length).trim();
        if (def.text?.when && !def.text.when(rest)) continue;
        return { def, raw: def.text?.parse ? def.text.parse(rest, mentions) : {} };
      }
    }
    return undefined;
  }
}

function unique<T>(map: Map<string, T>, key: string, value: T, what: string): void {
  if (map.has(key)) throw new Error(`${what} ${key} is declared twice`);
  map.set(key, value);
}
