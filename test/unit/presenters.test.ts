import { describe, expect, it } from "vitest";
import type { Card } from "../../src/core/kernel/card.js";
import type { Reader } from "../../src/core/kernel/reader.js";
import { wordsFor } from "../../src/core/kernel/words.js";
import { createRegistry } from "../../src/core/workflows/index.js";
import { SAMPLE_CHARTER } from "../support/core.js";
/** Plan: one step of each kind, with typed titles and texts. */
const PLAN_STEPS = [
  { index: 0, at: "2027-01-01T08:00:00Z", step: { month: 1, kind: "task", text: "Zoë Ñandú", time: "09:00" } },
  { index: 1, at: "2027-03-09T14:00:00Z", step: { month: 3, kind: "event", event: "orientation", title: "Zoë Ñandú", time: "15:00", minutes: 90, readings: [], guideBefore: "P7D", guide: "https://example.org/guide" } },
  { index: 2, at: "2027-03-11T08:00:00Z", step: { month: 3, kind: "survey", template: "postEvent", deadlineDays: 7, time: "09:00" } },
  { index: 3, at: "2027-03-01T08:00:00Z", step: { month: 3, kind: "digest", cadence: "weekly", time: "09:00" } },
  { index: 4, at: "2027-10-01T07:00:00Z", step: { month: 10, kind: "report", to: "sponsors", time: "09:00" } },
];
const PLAN_SAMPLES: Record<string, unknown> = {
  "plan.preview": { planId: "p1", name: "Data Stewards", start: "2027-01-01", steps: PLAN_STEPS },
  "plan.status": { name: "Data Stewards", now: "2027-03-10T00:00:00Z", steps: PLAN_STEPS },
  "plan.due": { name: "Data Stewards", step: PLAN_STEPS[3] },
};

/** Sample data for every presenter: a presenter without one fails the first test below. */
/** Recognition: a Teams person thanks a Slack person (each reader sees one of them as a mention or a name and platform). */
const KUDOS_SAMPLE = { communityName: "Data Stewards", from: { personKey: "teams:t:aad-z", name: "Zoë Ñandú" }, to: { personKey: "slack:T1:U3", name: "Zoë Ñandú" }, reason: "Zoë Ñandú", at: "2027-01-14T14:00:00Z" };
const RECOGNITION_SAMPLES: Record<string, unknown> = {
  "recognition.kudos": KUDOS_SAMPLE,
  "recognition.kudos.dm": KUDOS_SAMPLE,
  "recognition.kudos.list": { communityName: "Data Stewards", kudos: [KUDOS_SAMPLE, KUDOS_SAMPLE], older: "kudos:8000000000000:x" },
  "recognition.milestone": { communityName: "Data Stewards", kind: "firstContribution", person: KUDOS_SAMPLE.to, contribution: "rsvp" },
  "recognition.milestone.dm": { communityName: "Data Stewards", kind: "anniversary", person: KUDOS_SAMPLE.from },
};

const Z = "Zoë Ñandú";
const SUMMARIES_DIGEST = {
  name: "Data Stewards", from: "2027-01-04T09:00:00Z", to: "2027-01-11T09:00:00Z",
  newMembers: { total: 7, people: [{ personKey: "slack:T1:U3", name: Z }, { personKey: "teams:tenant-1:aad-1", name: Z }] }, newEvents: 1, newSurveys: 1,
  upcoming: { total: 1, items: [{ title: Z, at: "2027-01-14T14:00:00Z" }] },
  openSurveys: { total: 2, items: [{ title: Z, closesAt: "2027-01-14T14:00:00Z" }, { title: Z }] },
  results: { total: 1, items: [{ title: Z, answered: 3, asked: 9 }] },
  resources: { total: 1, items: [{ title: Z, url: "https://example.org/a", by: Z }] },
  followUps: { total: 1, items: [{ title: Z, at: "2027-01-07T14:00:00Z" }] },
  kudos: { total: 1, items: [{ from: { personKey: "slack:T1:U3", name: Z }, to: { personKey: "teams:tenant-1:aad-1", name: Z }, reason: Z }] },
  stories: { total: 2, items: [{ kind: "success", title: Z, text: Z, link: "https://example.org/s", author: { personKey: "slack:T1:U3", name: Z } }, { kind: "reflection", title: Z, text: Z, author: { personKey: "teams:tenant-1:aad-1", name: Z } }] },
};
const SUMMARIES_STORY = { id: "s1", kind: "reflection", title: Z, body: Z, link: "https://example.org/s", shareWithSponsor: false, author: { personKey: "slack:T1:U3", name: Z }, at: "2027-01-07T14:00:00Z", version: "W/1" };
const SUMMARIES_SAMPLES: Record<string, unknown> = {
  "summaries.digest": SUMMARIES_DIGEST,
  "summaries.digest.status": { name: "Data Stewards", schedule: { on: true, cadenceWeeks: 2, day: "friday", time: "16:30", zone: "Data Stewards", series: "x" }, next: "2027-01-15T15:30:00Z", preview: SUMMARIES_DIGEST, previewFrom: "2027-01-04T09:00:00Z", steward: true },
  "summaries.story.review": { name: "Data Stewards", story: SUMMARIES_STORY, origin: "sealed-origin" },
  "summaries.stories": { name: "Data Stewards", pending: [SUMMARIES_STORY, { ...SUMMARIES_STORY, kind: "success", shareWithSponsor: true }], approved: [{ kind: "success", title: Z, author: { personKey: "teams:tenant-1:aad-1", name: Z }, decidedAt: "2027-01-08T10:00:00Z" }] },
  "summaries.story.outcome": { name: "Data Stewards", title: Z, approved: false, by: { personKey: "slack:T1:U3", name: Z } },
};
/** Metrics: a month per space and combined, and a sponsor report with every section filled. */
const FIGURES = { members: 40, joined: 5, left: 1, active: 22, newContributors: 3, held: 2, confirmed: 2, going: 12, attendedGoing: 9, asked: 30, answered: 18, resources: 4, kudos: 6, groups: 5, groupsMet: 3 };
const METRICS_SAMPLES: Record<string, unknown> = {
  "metrics.show": { communityName: "Data Stewards", period: "2027-01", previous: "2026-12", computedAt: "2027-01-14T14:00:00Z", scopes: [{ name: "", current: FIGURES, previous: { ...FIGURES, active: 25, asked: 0 } }, { name: "Zoë Ñandú", current: FIGURES }] },
  "metrics.report": {
    communityName: "Data Stewards", domain: "Zoë Ñandú", purposes: ["learning", "relationships"], goals: ["Zoë Ñandú"], from: "2026-12-01", to: "2027-01-31",
    months: [{ period: "2026-12", figures: FIGURES }, { period: "2027-01", figures: { ...FIGURES, going: 0 } }], total: FIGURES, previous: { ...FIGURES, members: 30 },
    spaces: [{ name: "Zoë Ñandú", figures: FIGURES }, { name: "Data Stewards", figures: FIGURES }],
    activities: [{ title: "Zoë Ñandú", at: "2027-01-14T14:00:00Z", going: 8, attended: 6 }, { title: "Data Stewards", at: "2027-01-21T14:00:00Z", going: 3 }],
    feedback: [{ title: "Zoë Ñandú", answered: 9, asked: 12, scores: [{ question: "Zoë Ñandú", average: 4.2, of: 5 }, { question: "Data Stewards", nps: 35 }] }],
    stories: [{ title: "Zoë Ñandú", text: "Data Stewards", by: "Zoë Ñandú" }], empty: false,
  },
};

export const SAMPLES: Record<string, unknown> = {
  notice: { key: "notice.roleAssigned", params: { person: "Zoë Ñandú", role: { word: "role.sponsor" }, name: "Data Stewards" }, tone: "success" },
  progress: { title: "Data Stewards", total: 1200, sent: 1100, failed: 2, unreachable: 3, queued: 95, done: true },
  help: { communityName: "Data Stewards", welcome: true, commands: [{ usage: "help.usage.charter", describe: "help.cmd.charter" }], actions: [{ label: "action.charter", verb: "community.charter.show" }] },
  home: { communities: [{ name: "Data Stewards", role: "facilitator", status: "launched" }], omitted: 2 },
  "community.charter": { communityId: "c1", charter: SAMPLE_CHARTER, status: "launched", spaces: [{ platform: "slack", displayName: "#data-stewards" }, { platform: "teams", displayName: "" }], stewards: ["Zoë Ñandú"], memberCount: 12 },
  "community.roles": { name: "Data Stewards", people: [{ displayName: "Zoë Ñandú", role: "facilitator" }], omitted: 3, canAssign: true },
  "community.status.confirm": { name: "Data Stewards", move: "close", status: "closed" },
  "events.announcement": { eventId: "e1", title: "Data Stewards", kind: "wrap-up", agenda: "Zoë Ñandú", at: "2027-01-14T14:00:00Z", minutes: 90, joinUrl: "https://meet.example.org/x", calendarUrl: "https://cop.example.org/w/events/calendar/abc.def.ics", recurrence: "monthly", until: "2027-12-31", tally: { going: 3, maybe: 1, no: 0 } },
  "events.reminder": { eventId: "e1", title: "Data Stewards", kind: "webinar", agenda: "", at: "2027-01-14T14:00:00Z", minutes: 60, recurrence: "none", tally: { going: 1200, maybe: 0, no: 2 } },
  "events.list": { name: "Data Stewards", events: [{ id: "e1-0000", title: "Zoë Ñandú", kind: "meeting", next: "2027-01-14T14:00:00Z", recurrence: "none" }, { title: "Data Stewards", kind: "orientation", next: "2027-02-11T14:00:00Z", recurrence: "biweekly" }], omitted: 2, canSchedule: true },
  "events.answered": { answer: "maybe", title: "Data Stewards", at: "2027-01-14T14:00:00Z" },
  "events.mine": { events: [{ title: "Zoë Ñandú", kind: "webinar", community: "Data *Stewards*", at: "2027-01-14T14:00:00Z", answer: "going" }, { title: "Data Stewards", kind: "meeting", community: "Health", at: "2027-02-11T14:00:00Z" }], omitted: 3, standalone: true },
  "events.guide": { eventId: "e1", title: "Data Stewards", kind: "webinar", at: "2027-01-14T14:00:00Z", minutes: 60, recurrence: "weeks", interval: 3, until: "2027-12-31", location: "inPerson", place: "Sala Zoë", guideUrl: "https://example.org/guide", readings: ["https://example.org/a_b", "https://example.org/c"], tally: { going: 3, maybe: 1, no: 0 } },
  "events.reminder.personal": { eventId: "e1", title: "Data Stewards", kind: "meeting", at: "2027-01-14T14:00:00Z", minutes: 60, recurrence: "custom", until: "2027-12-31", joinUrl: "https://meet.example.org/x", tally: { going: 1, maybe: 0, no: 0 } },
  "events.after.ask": { eventId: "e1", title: "Data Stewards", at: "2027-01-14T14:00:00Z", tally: { going: 3, maybe: 1, no: 0 }, origin: "sealed" },
  "events.followUp": { eventId: "e1", title: "Data Stewards", at: "2027-01-14T14:00:00Z", discussed: "Zoë Ñandú", decisions: ["Zoë Ñandú"], actions: [{ owner: "Zoë Ñandú", action: "Data Stewards" }], resources: ["https://example.org/a"], recording: "https://example.org/r", slides: "https://example.org/s", nextSteps: "Zoë Ñandú", updated: true, missed: true },
  "events.attendance.saved": { title: "Data Stewards", at: "2027-01-14T14:00:00Z", names: ["Zoë Ñandú", "Data Stewards"], others: 2, replaced: true },
  "events.followUp.posted": { title: "Data Stewards", updated: false },
  "events.show": {
    id: "e1-0000-1111",
    shortId: "e1-0000",
    title: "Data Stewards",
    kind: "webinar",
    minutes: 60,
    recurrence: "monthly",
    until: "2027-12-31",
    next: { at: "2027-02-11T14:00:00Z", tally: { going: 1, maybe: 0, no: 0 }, names: { going: ["Zoë Ñandú"], maybe: [], no: [] } },
    last: { at: "2027-01-14T14:00:00Z", tally: { going: 2, maybe: 1, no: 0 }, attendance: { count: 3, names: ["Zoë Ñandú"] }, followUp: { discussed: "Zoë Ñandú", decisions: [], actions: [], resources: [], nextSteps: "" } },
    can: { edit: true, cancel: true, after: true },
  },
  "events.past": { name: "Data Stewards", items: [{ shortId: "e1-0000", title: "Zoë Ñandú", at: "2027-01-14T14:00:00Z", followUp: true }, { shortId: "e2-0000", title: "Data Stewards", at: "2026-12-10T14:00:00Z", followUp: false }], omitted: 1 },
  "events.scheduledPrivately": { title: "Data Stewards", name: "Data Stewards CoP", eventId: "3f2a9c1b-0000-4000-8000-000000000001", short: "3f2a9c1b" },
  "events.changed": { eventId: "e1", title: "Data Stewards", kind: "meeting", agenda: "Zoë Ñandú", at: "2027-02-11T15:00:00Z", occurrence: "2027-02-11T14:00:00Z", minutes: 60, recurrence: "monthly", until: "2027-12-31", tally: { going: 2, maybe: 0, no: 1 }, scope: "occurrence", was: "2027-02-11T14:00:00Z" },
  "events.cancelled": { title: "Data Stewards", at: "2027-02-11T14:00:00Z", series: false, message: "Zoë Ñandú", personal: true },
  "events.cancel.about": { title: "Data Stewards", at: "2027-02-11T14:00:00Z", series: true },
  "surveys.poll": { surveyId: "7K3F9Q", style: "poll", title: "Zoë Ñandú", anonymous: true, closed: false, answered: 34, members: 120, asks: { kind: "rsvp", title: "Data Stewards", at: "2027-01-14T14:00:00Z" }, questions: [{ text: "Zoë Ñandú", kind: "single", labels: ["Zoë Ñandú", "Data Stewards"], counts: [20, 14], answered: 34 }] },
  "surveys.voted": { title: "Zoë Ñandú", choice: "Data Stewards", anonymous: true },
  "surveys.results": {
    surveyId: "7K3F9Q",
    style: "survey",
    title: "Data Stewards",
    anonymous: false,
    closed: true,
    spaces: [{ name: "Général <Zoë>", answered: 2, asked: 3 }, { name: "#data-stewards", answered: 1, asked: 1 }],
    answered: 3,
    members: 12,
    questions: [
      { text: "Zoë Ñandú", kind: "rating", labels: ["1", "2", "3", "4", "5"], counts: [0, 0, 1, 1, 1], answered: 3, average: 4 },
      { text: "Data Stewards", kind: "nps", labels: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"], counts: [1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1], answered: 3, average: 6.3, nps: 33 },
      { text: "Zoë Ñandú", kind: "text", labels: [], counts: [], answered: 1, texts: ["Zoë Ñandú"], textsOmitted: 2 },
    ],
    people: [{ name: "Zoë Ñandú", answers: ["4", "10", "Data Stewards"] }],
    peopleOmitted: 1,
  },
  "surveys.list": { name: "Data Stewards", surveys: [{ id: "7K3F9Q", title: "Zoë Ñandú" }, { id: "AB12CD", title: "Data Stewards", closesAt: "2027-01-14T14:00:00Z" }], omitted: 1, canClose: true },
  "surveys.announcement": { surveyId: "7K3F9Q", style: "survey", title: "Data Stewards", anonymous: true, closed: false, closesAt: "2027-01-14T14:00:00Z", intro: "Zoë Ñandú", answered: 34, members: 120, questions: [{ text: "Zoë Ñandú", kind: "rating", labels: ["1", "2", "3", "4", "5"], counts: [0, 0, 0, 0, 0], answered: 0 }] },
  "surveys.answerPrompt": { title: "Zoë Ñandú", surveyId: "7K3F9Q" },
  "surveys.nudge": { surveyId: "7K3F9Q", title: "Zoë Ñandú", style: "survey", closesAt: "2027-01-14T14:00:00Z", origin: "sealed-origin" },
  "surveys.invite": { surveyId: "7K3F9Q", title: "Zoë Ñandú", style: "survey", closesAt: "2027-01-14T14:00:00Z", origin: "sealed-origin" },
  "knowledge.shared": { id: "7K3F9Q", url: "https://example.org/a_(b)", title: "Zoë Ñandú", tags: ["fair", "metadata"], note: "Zoë Ñandú", source: "message", author: "Zoë Ñandú", who: "Data Stewards", at: "2027-01-14T14:00:00Z" },
  "knowledge.list": { name: "Data Stewards", query: "#fair Zoë", items: [{ id: "7K3F9Q", url: "https://example.org/a", title: "Zoë Ñandú", tags: ["fair"], note: "Zoë Ñandú", source: "shared", who: "Data Stewards", at: "2027-01-14T14:00:00Z" }, { id: "AB12CD", url: "https://example.org/b", title: "Data Stewards", tags: [], source: "followUp", author: "Zoë Ñandú", who: "", at: "2027-01-14T14:00:00Z" }], offset: 8, total: 20, next: 16 },
  "knowledge.duplicate": { id: "7K3F9Q", url: "https://example.org/a", title: "Zoë Ñandú", tags: [], source: "shared", who: "Data Stewards", at: "2027-01-14T14:00:00Z" },
  "matching.status": { name: "Zoë Ñandú", on: true, cadenceWeeks: 2, size: 3, crossOrganisation: true, crossPlatform: false, buddies: true, nextRoundAt: "2027-01-14T14:00:00Z", optedIn: 12, you: { state: "snoozed", until: "2027-02-01" }, last: { at: "2027-01-01T09:00:00Z", groups: 4, groupsMet: 3, answers: 7, people: 12 } },
  "matching.intro": { name: "Zoë Ñandú", kind: "round", others: [{ personKey: "slack:T1:U3", name: "Zoë Ñandú", organisation: "Zoë Ñandú" }, { personKey: "teams:t:aad-1", name: "Zoë Ñandú", organisation: "" }], topic: { kind: "expertise", name: "Zoë Ñandú", topic: "Zoë Ñandú" }, checkInAt: "2027-01-12T09:00:00Z" },
  "matching.checkIn": { name: "Zoë Ñandú", roundId: "2027-01-01T09:00:00.000Z", others: [{ personKey: "slack:T1:U3", name: "Zoë Ñandú" }], origin: "sealed-origin" },
  "linking.linked": { name: "Data Stewards", spaces: [{ platform: "slack", displayName: "#data-stewards" }, { platform: "teams", displayName: "Data Stewards / General" }] },
  "onboarding.welcome": { name: "Data Stewards", domain: "Zoë Ñandú", audience: "Data Stewards", purposes: ["learning", "relationships"], guidelines: { participation: "Zoë Ñandú", contribution: "", conflictResolution: "Data Stewards" }, facilitators: ["Zoë Ñandú"], events: [{ title: "Data Stewards", at: "2027-01-14T14:00:00Z" }], text: "Zoë Ñandú", origin: "sealed-origin", inSpaceFor: { personKey: "teams:tenant-1:aad-1", name: "" } },
  "onboarding.profilePrompt": {},
  "onboarding.profile": { community: "Data Stewards", personKey: "slack:T1:U3", displayName: "Zoë Ñandú", role: "member", profile: { organisation: "Data Stewards", expertise: ["Zoë Ñandú"], timezone: "Data Stewards", visible: true }, self: true },
  "onboarding.intro": { community: "Data Stewards", personKey: "teams:tenant-1:aad-1", displayName: "Zoë Ñandú", profile: { organisation: "Data Stewards", interests: ["Zoë Ñandú"], offers: "Data Stewards", visible: true } },
  "onboarding.members": { community: "Data Stewards", page: 2, pages: 3, total: 45, people: [{ personKey: "slack:T1:U3", displayName: "Zoë Ñandú", role: "facilitator", platform: "slack", organisation: "Data Stewards" }, { personKey: "teams:tenant-1:aad-1", displayName: "Data Stewards", role: "sponsor", platform: "teams" }] },
  "onboarding.whoKnows": { topic: "Data Stewards", matches: [{ personKey: "slack:T1:U3", displayName: "Zoë Ñandú", expertise: ["Data Stewards"], interests: ["Zoë Ñandú"] }, { personKey: "teams:tenant-1:aad-1", displayName: "Data Stewards", expertise: [], interests: ["Zoë Ñandú"] }], omitted: 2 },
  ...RECOGNITION_SAMPLES,
  ...SUMMARIES_SAMPLES,
  ...PLAN_SAMPLES,
  ...METRICS_SAMPLES,
};

/** Text people typed in the samples: allowed to stay untranslated. */
const TYPED = ["Zoë Ñandú", "Data Stewards CoP", "Data Stewards / General", "#data-stewards", "Data Stewards", ...Object.values(SAMPLE_CHARTER).flatMap((v) => (typeof v === "string" ? [v] : Array.isArray(v) ? v : Object.values(v))).filter((v): v is string => typeof v === "string" && v.length > 0)];

function visible(card: Card): string[] {
  const out = [card.title, card.summary];
  for (const b of card.blocks) {
    if (b.type === "text") out.push(b.text);
    else if (b.type === "facts") out.push(...b.facts.flatMap((f) => [f.label, f.value]));
    else if (b.type === "list") out.push(b.heading, b.empty, ...b.items);
    else if (b.type === "table") out.push(...b.columns, ...b.rows.flat());
    else if (b.type === "context") out.push(...b.texts);
    else if (b.type === "actions") out.push(...b.actions.map((a) => a.label));
    else if (b.type === "chart") out.push(b.title, b.alt, ...b.categories, ...b.series.map((s) => s.name));
    else if (b.type === "image") out.push(b.alt);
    else if (b.type === "form") out.push(b.title, b.submitLabel, b.error, ...b.fields.flatMap((f) => [f.label, f.hint, f.error, ...f.choices.map((c) => c.label)]));
  }
  return out.filter(Boolean);
}

/** What is left of a text once every catalog message (⟦…⟧, nested) and every typed sample is taken out. */
function untranslated(text: string): string {
  // A person token's markup is no words (its name is a typed sample).
  let rest = text.replace(/\\(.)/g, "$1").replace(/<person:[^|<>]*\|/g, " ");
  for (let before = ""; before !== rest; ) {
    before = rest;
    rest = rest.replace(/⟦[^⟦⟧]*⟧/g, " ");
  }
  for (const typed of [...TYPED].sort((a, b) => b.length - a.length)) rest = rest.split(typed).join(" ");
  // The runtime's own locale data ("A and B") is not catalog text.
  for (const type of ["conjunction", "disjunction"] as const) {
    for (const word of new Intl.ListFormat("qps-ploc", { type }).format(["\u0001", "\u0002", "\u0003"]).match(/\p{L}+/gu) ?? []) rest = rest.replace(new RegExp(`(?<!\\p{L})${word}(?!\\p{L})`, "gu"), " ");
  }
  // Commands are typed as they are whatever the language; emoji and glyphs carry no words.
  return rest.replace(/`[^`]*`|\/cop [a-z -]+|@CoP Companion|https?:\/\/\S+/g, " ").replace(/[^\p{L}]+/gu, " ").trim();
}

describe("presenters", () => {
  const registry = createRegistry();

  it("each has sample data here, so each is rendered in the checks below", () => {
    expect(registry.presenterNames().filter((name) => !(name in SAMPLES))).toEqual([]);
  });

  for (const platform of ["teams", "slack"] as const) {
    it(`show no text outside the catalog in the pseudo-locale (${platform})`, () => {
      for (const name of registry.presenterNames()) {
        const def = registry.presenter(name)!;
        for (const personal of [false, true]) {
          const reader: Reader = { locale: "qps-ploc", platform, personal };
          const card = def.render(def.schema.parse(SAMPLES[name]), wordsFor(reader));
          for (const text of visible(card)) expect({ presenter: name, left: untranslated(text) }).toEqual({ presenter: name, left: "" });
        }
      }
    });
  }
});

describe("the catalogs", () => {
  it("never give two workflows the same key (a later one would silently replace the other's message)", async () => {
    const { CATALOG_PARTS } = await import("../../src/core/i18n/en.js");
    const catalogs = CATALOG_PARTS;
    const keys = catalogs.flatMap((c) => Object.keys(c));
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    // Every namespace merged into the catalog is listed here too, so none escapes this check.
    const { en } = await import("../../src/core/i18n/en.js");
    expect(keys.length).toBe(Object.keys(en).length);
  });
});
