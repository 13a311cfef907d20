/**
 * Forming a round's groups: a pure function, so it can be property-tested.
 *
 * Cost of putting two people together: a huge penalty if they met in a recent round (larger the more recent),
 * minus a little for each topic they share and, when preferred, for different organisations and platforms.
 * A group's cost is the sum over its pairs. The grouping is built greedily (each group starts with the next
 * person of a seeded shuffle and takes whoever adds least), then improved by swapping two people of different
 * groups while any swap lowers the total; a few seeded restarts keep the best. A repeat is only chosen when
 * every grouping the search finds has one (in practice: when no other choice exists).
 */

export interface Candidate {
  id: string;
  organisation: string;
  platform: string;
  /** Expertise and interests, lower-cased. */
  topics: readonly string[];
}

export interface GroupingInput {
  people: readonly Candidate[];
  /** Wanted group size (2–5). */
  size: number;
  /** Pairs met before (`pairKey`) and how many rounds ago (1: the last one). */
  met: ReadonlyMap<string, number>;
  crossOrganisation: boolean;
  crossPlatform: boolean;
  /** Any integer: the same input and seed give the same groups. */
  seed: number;
  /** Restarts of the local search (more: better, slower). */
  restarts?: number;
  /** Kicks per restart while a repeat remains. */
  kicks?: number;
}

/** A repeat costs more than any mix of preferences can save. */
const REPEAT = 100_000;
/** Rounds after which a repeat counts no more. */
export const RECENT_ROUNDS = 12;

export const pairKey = (a: string, b: string): string => (a < b ? `${a}|${b}` : `${b}|${a}`);

/**
 * Group sizes for n people: groups of `size`; a leftover of r people goes one each into r groups (so some have
 * size + 1), or, when there are fewer groups than leftovers, forms one smaller group of r ≥ 2. Nobody is alone.
 */
export function groupSizes(n: number, size: number): number[] {
  if (n < 2) return [];
  if (n < size) return [n];
  const groups = Math.floor(n / size);
  const left = n - groups * size;
  const sizes = Array.from({ length: groups }, () => size);
  if (left <= groups) for (let i = 0; i < left; i++) sizes[i]! += 1;
  else sizes.push(left);
  return sizes;
}

/** What putting two people together costs (lower is better). */
export function pairCost(a: Candidate, b: Candidate, input: Pick<GroupingInput, "met" | "crossOrganisation" | "crossPlatform">): number {
  let cost = 0;
  const ago = input.met.get(pairKey(a.id, b.id));
  if (ago !== undefined && ago <= RECENT_ROUNDS) cost += REPEAT * (1 + RECENT_ROUNDS - ago);
  const shared = a.topics.filter((t) => b.topics.includes(t)).length;
  cost -= 3 * Math.min(shared, 3);
  if (input.crossOrganisation && a.organisation && b.organisation) cost += a.organisation.toLowerCase() === b.organisation.toLowerCase() ? 2 : -2;
  if (input.crossPlatform) cost += a.platform === b.platform ? 1 : -1;
  return cost;
}

/** A small seeded generator (mulberry32): deterministic groups for a given round. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: readonly T[], next: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

type Search = { groups: number[][]; total: number };

const totalOf = (groups: number[][], cost: (i: number, j: number) => number) =>
  groups.reduce((sum, g) => sum + g.reduce((s, i, k) => s + g.slice(k + 1).reduce((t, j) => t + cost(i, j), 0), 0), 0);

/** Greedy: each group starts with the free person who has met the most of the others, and takes whoever adds least. */
function greedy(n: number, sizes: number[], cost: (i: number, j: number) => number, next: () => number): number[][] {
  const order = shuffled([...Array(n).keys()], next);
  const free = new Set(order);
  const groups: number[][] = [];
  const constraint = (i: number) => [...free].filter((j) => j !== i && cost(i, j) >= REPEAT).length;
  for (const size of sizes) {
    let first = -1;
    let most = -1;
    for (const i of free) if (constraint(i) > most) [first, most] = [i, constraint(i)];
    free.delete(first);
    const group = [first];
    while (group.length < size) {
      let best = -1;
      let bestCost = Infinity;
      for (const i of free) {
        const c = group.reduce((sum, j) => sum + cost(i, j), 0);
        if (c < bestCost) [best, bestCost] = [i, c];
      }
      free.delete(best);
      group.push(best);
    }
    groups.push(group);
  }
  return groups;
}

/** Swaps two people of different groups while any swap lowers the total (in place). */
function descend(groups: number[][], cost: (i: number, j: number) => number): void {
  const costIn = (i: number, g: number[], without = -1) => g.reduce((sum, j) => (j === i || j === without ? sum : sum + cost(i, j)), 0);
  for (let improved = true, passes = 0; improved && passes < 50; passes++) {
    improved = false;
    for (let ga = 0; ga < groups.length; ga++) {
      for (let gb = ga + 1; gb < groups.length; gb++) {
        const A = groups[ga]!;
        const B = groups[gb]!;
        for (let ia = 0; ia < A.length; ia++) {
          for (let ib = 0; ib < B.length; ib++) {
            const a = A[ia]!;
            const b = B[ib]!;
            if (costIn(b, A, a) + costIn(a, B, b) - costIn(a, A) - costIn(b, B) < 0) {
              A[ia] = b;
              B[ib] = a;
              improved = true;
            }
          }
        }
      }
    }
  }
}

/**
 * Iterated local search: descend; while a repeat remains, move someone in a repeated pair to a random other
 * group (swapping with a random member there) and descend again, keeping the best grouping seen.
 */
function search(n: number, sizes: number[], cost: (i: number, j: number) => number, next: () => number, kicks: number): Search {
  const groups = greedy(n, sizes, cost, next);
  descend(groups, cost);
  let best: Search = { groups: groups.map((g) => [...g]), total: totalOf(groups, cost) };
  let current = groups;
  for (let k = 0; k < kicks && best.total >= REPEAT && sizes.length > 1; k++) {
    // From the grouping reached last (not always the best): a walk that can leave a local optimum.
    const trial = current.map((g) => [...g]);
    const clashing = trial.flatMap((g, gi) => g.filter((i) => g.some((j) => j !== i && cost(i, j) >= REPEAT)).map((i) => ({ gi, i })));
    const pick = clashing[Math.floor(next() * clashing.length)];
    if (!pick) break;
    let other = Math.floor(next() * (trial.length - 1));
    if (other >= pick.gi) other += 1;
    const slot = Math.floor(next() * trial[other]!.length);
    const at = trial[pick.gi]!.indexOf(pick.i);
    [trial[pick.gi]![at], trial[other]![slot]] = [trial[other]![slot]!, pick.i];
    descend(trial, cost);
    current = trial;
    const total = totalOf(current, cost);
    if (total <= best.total) best = { groups: current.map((g) => [...g]), total };
  }
  return best;
}

/** The round's groups, as lists of candidate ids. */
export function formGroups(input: GroupingInput): string[][] {
  const people = input.people;
  const sizes = groupSizes(people.length, Math.max(2, input.size));
  if (sizes.length === 0) return [];
  const table = people.map((a) => people.map((b) => pairCost(a, b, input)));
  const cost = (i: number, j: number) => table[i]![j]!;
  const next = random(input.seed);
  let best: Search | undefined;
  // A few tries; each one kicks its way out of groupings that repeat a pair.
  for (let r = 0; r < (input.restarts ?? 4); r++) {
    const found = search(people.length, sizes, cost, next, input.kicks ?? 2000);
    if (!best || found.total < best.total) best = found;
    if (best.total < REPEAT && r >= 2) break;
  }
  return best!.groups.map((g) => g.map((i) => people[i]!.id));
}

/** A stable integer seed from a text (a round's community and time). */
export function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
