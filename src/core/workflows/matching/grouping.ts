/**
 * Forming a round's groups: a pure function, so it can be property-tested.
 *
 * Cost of putting two people together: a huge penalty if they met in a recent round (larger the more recent),
 * minus a little for each topic they share and, when preferred, for different organisations and platforms.
 * A group's cost is the sum over its pairs. The grouping is built greedily (each group starts with the next
 * person of a seeded shuffle and takes whoever adds least), then improved by swapping two people of different
 * groups while any swap lowers the total; while a repeat remains, a tabu search moves people out of repeated
 * pairs; a few seeded restarts keep the best. A repeat is only kept when the search finds no grouping without
 * one: for pairs and trios that means none exists in practice; for groups of 4–5 late in a series it can also
 * mean the search gave up (finding one is the social golfer problem).
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
  /** Tabu steps per restart while a repeat remains. */
  steps?: number;
}

/** A repeat costs more than any mix of preferences can save. */
const REPEAT = 100_000;
/** Rounds after which a repeat counts no more. */
export const RECENT_ROUNDS = 12;

export const pairKey = (a: string, b: string): string => (a < b ? `${a}|${b}` : `${b}|${a}`);

/**
 * Group sizes for n people: as many groups as n / size rounds to (enough that none exceeds size + 1), their
 * sizes as equal as possible: `size`, one more or fewer (never below 2). An odd count of pairs gives one group
 * of 3; nobody is alone.
 */
export function groupSizes(n: number, size: number): number[] {
  if (n < 2) return [];
  let groups = Math.max(1, Math.round(n / size), Math.ceil(n / (size + 1)));
  if (Math.floor(n / groups) < 2) groups = Math.floor(n / 2);
  const small = Math.floor(n / groups);
  const bigger = n - small * groups;
  return Array.from({ length: groups }, (_, i) => (i < bigger ? small + 1 : small));
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
 * Tabu search while a repeat remains (after Dotú and Van Hentenryck's local search for the social golfer
 * problem): each step makes the best swap of someone in a repeated pair with someone of another group, even a
 * worse one, never undoing a recent move unless it finds a better grouping than any so far.
 */
function search(n: number, sizes: number[], cost: (i: number, j: number) => number, next: () => number, steps: number): Search {
  const groups = greedy(n, sizes, cost, next);
  descend(groups, cost);
  let best: Search = { groups: groups.map((g) => [...g]), total: totalOf(groups, cost) };
  if (sizes.length < 2) return best;
  const groupOf = new Array<number>(n);
  groups.forEach((g, gi) => g.forEach((i) => (groupOf[i] = gi)));
  const costIn = (i: number, g: number[], without = -1) => g.reduce((sum, j) => (j === i || j === without ? sum : sum + cost(i, j)), 0);
  // tabu[i * groups + g]: until which step person i may not move back into group g.
  const tabu = new Array<number>(n * groups.length).fill(0);
  let total = best.total;
  for (let step = 1; step <= steps && best.total >= REPEAT; step++) {
    let move: { a: number; b: number; delta: number } | undefined;
    for (let a = 0; a < n; a++) {
      const A = groups[groupOf[a]!]!;
      if (!A.some((j) => j !== a && cost(a, j) >= REPEAT)) continue;
      for (let b = 0; b < n; b++) {
        if (groupOf[b] === groupOf[a]) continue;
        const B = groups[groupOf[b]!]!;
        const delta = costIn(b, A, a) + costIn(a, B, b) - costIn(a, A) - costIn(b, B);
        const isTabu = tabu[a * groups.length + groupOf[b]!]! > step || tabu[b * groups.length + groupOf[a]!]! > step;
        if (isTabu && total + delta >= best.total) continue;
        if (!move || delta < move.delta || (delta === move.delta && next() < 0.5)) move = { a, b, delta };
      }
    }
    if (!move) break;
    const { a, b } = move;
    const [ga, gb] = [groupOf[a]!, groupOf[b]!];
    groups[ga]![groups[ga]!.indexOf(a)] = b;
    groups[gb]![groups[gb]!.indexOf(b)] = a;
    [groupOf[a], groupOf[b]] = [gb, ga];
    tabu[a * groups.length + ga] = step + 4 + Math.floor(next() * 10);
    tabu[b * groups.length + gb] = step + 4 + Math.floor(next() * 10);
    total += move.delta;
    if (total < best.total) best = { groups: groups.map((g) => [...g]), total };
  }
  if (best.total < REPEAT) descend(best.groups, cost);
  return { groups: best.groups, total: totalOf(best.groups, cost) };
}

/** Tabu steps for n people: each step looks at up to n² swaps, so large rounds get fewer (bounded work per round). */
const stepsFor = (n: number) => Math.max(20, Math.min(5000, Math.floor(20_000_000 / (n * n))));

/** The round's groups, as lists of candidate ids. */
export function formGroups(input: GroupingInput): string[][] {
  const people = input.people;
  const sizes = groupSizes(people.length, Math.max(2, input.size));
  if (sizes.length === 0) return [];
  const table = people.map((a) => people.map((b) => pairCost(a, b, input)));
  const cost = (i: number, j: number) => table[i]![j]!;
  const next = random(input.seed);
  let best: Search | undefined;
  // A few tries; each one searches its way out of groupings that repeat a pair.
  for (let r = 0; r < (input.restarts ?? 3); r++) {
    const found = search(people.length, sizes, cost, next, input.steps ?? stepsFor(people.length));
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
