import { isMap, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import type { ZodIssue } from "zod";
import { PlanFile } from "./model.js";

/** One thing wrong with a plan file: where (line, field) and what. */
export interface PlanError {
  line: number;
  field: string;
  message: string;
}
export type Parsed = { ok: true; plan: PlanFile } | { ok: false; errors: PlanError[] };

/** `steps[3].time`, as people read a path. */
const fieldOf = (path: ReadonlyArray<string | number>) => path.map((p, i) => (typeof p === "number" ? `[${p + 1}]` : `${i ? "." : ""}${p}`)).join("") || "(the plan)";

/** The deepest node of the document on `path` (a missing field: the mapping that should hold it). */
function nodeAt(doc: ReturnType<typeof parseDocument>, path: ReadonlyArray<string | number>): Node | undefined {
  let node: unknown = doc.contents;
  for (const part of path) {
    const child = isMap(node) || isSeq(node) ? (node.get(part, true) as unknown) : undefined;
    if (child === undefined || child === null) break;
    node = child;
  }
  return node && typeof node === "object" && "range" in node ? (node as Node) : undefined;
}

function issueMessage(issue: ZodIssue): string {
  if (issue.code === "invalid_type" && issue.received === "undefined") return "is required";
  if (issue.code === "unrecognized_keys") return `unknown field ${issue.keys.join(", ")}`;
  if (issue.code === "invalid_union_discriminator") return `kind must be one of ${issue.options.join(", ")}`;
  return issue.message;
}

/**
 * A plan file (YAML, or JSON which YAML reads too) checked against the plan format: the plan, or every error
 * with the line it is on and the field it concerns (syntax errors first; nothing is half-accepted).
 */
export function parsePlan(text: string): Parsed {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return { ok: false, errors: doc.errors.map((e) => ({ line: lineCounter.linePos(e.pos[0]).line, field: "(syntax)", message: e.message.split("\n")[0]!.slice(0, 200) })) };
  }
  const checked = PlanFile.safeParse(doc.toJS());
  if (checked.success) return { ok: true, plan: checked.data };
  const errors = checked.error.issues.map((issue) => {
    const node = nodeAt(doc, issue.path);
    return { line: node?.range ? lineCounter.linePos(node.range[0]).line : 1, field: fieldOf(issue.path), message: issueMessage(issue).slice(0, 200) };
  });
  return { ok: false, errors: errors.sort((a, b) => a.line - b.line || a.field.localeCompare(b.field)) };
}
