import { describe, expect, it } from "vitest";
import { ROLES, type Role } from "../../src/core/domain.js";
import type { View, ViewKind, ViewOf } from "../../src/core/views.js";
import { SLACK_LIMITS } from "../../src/slack/limits.js";
import { charterModal } from "../../src/slack/render/charterModal.js";
import { renderHome } from "../../src/slack/render/home.js";
import { SLACK_RENDERERS, renderMessage, renderView } from "../../src/slack/render/renderers.js";
import { blockProblems, checkView } from "../support/fakeSlackBlockKit.js";
import { SAMPLE_CHARTER } from "../support/core.js";

const charter = SAMPLE_CHARTER;

/** One ordinary view of each kind: the snapshots show what each renders to. */
const FIXTURES: { [K in ViewKind]: ViewOf<K> } = {
  help: { kind: "help", locale: "en", communityName: "Data Stewards CoP", canManage: true, intro: { key: "help.unknown", params: { text: "frobnicate" } } },
  charterForm: {
    kind: "charterForm", locale: "en", mode: "edit", communityId: "c1", errors: {},
    values: { name: "Data Stewards CoP", domain: "RDM", audience: "Stewards", purposes: ["learning"], goals: "Share practice", outcomes: "", participation: "", contribution: "", conflictResolution: "" },
  },
  charter: {
    kind: "charter", locale: "en", communityId: "c1", charter, status: "launched", canManage: true, memberCount: 12,
    spaces: [{ platform: "teams", displayName: "Data Stewards / General" }, { platform: "slack", displayName: "#cop-general" }], stewards: ["Ana Duarte", "Ben Okafor"],
  },
  roles: {
    kind: "roles", locale: "en", communityName: "Data Stewards CoP", omitted: 0, canAssign: true,
    people: [{ personKey: "slack:T1:U1", displayName: "Ana Duarte", role: "facilitator" }, { personKey: "teams:t:a", displayName: "Ben <Okafor>", role: "member" }],
  },
  notice: { kind: "notice", locale: "en", tone: "success", message: { key: "notice.communityCreated", params: { name: "Data Stewards CoP" } } },
  progress: {
    kind: "progress", locale: "en", fanoutId: "event:42:reminder:P1D", title: { key: "roles.title", params: { name: "Data Stewards CoP" } },
    total: 2000, sent: 1234, failed: 0, unreachable: 12, queued: 754, done: false,
  },
};

const huge = (n: number, word = "overflow ") => word.repeat(Math.ceil(n / word.length)).slice(0, n);

/** Views far beyond what the core would ever produce, to prove the renderers truncate instead of failing. */
const OVERSIZED: View[] = [
  { ...FIXTURES.help, communityName: huge(5_000), intro: { key: "help.unknown", params: { text: huge(9_000) } } },
  {
    ...FIXTURES.charter,
    charter: { ...charter, name: huge(500), domain: huge(4_000), audience: huge(4_000), goals: Array.from({ length: 80 }, () => huge(900)), outcomes: Array.from({ length: 80 }, () => huge(900)),
      guidelines: { participation: huge(5_000), contribution: huge(5_000), conflictResolution: huge(5_000) } },
    stewards: Array.from({ length: 400 }, (_, i) => `Steward ${i} ${huge(50)}`),
    spaces: Array.from({ length: 100 }, (_, i) => ({ platform: "slack" as const, displayName: `#channel-${i}-${huge(80)}` })),
  },
  {
    ...FIXTURES.roles, communityName: huge(400), omitted: 12_345,
    people: Array.from({ length: 2_000 }, (_, i) => ({ personKey: `slack:T:U${i}`, displayName: `Person ${i} ${huge(300)}`, role: ROLES[i % ROLES.length] as Role })),
  },
  { ...FIXTURES.notice, message: { key: "notice.communityCreated", params: { name: huge(50_000) } } },
  { ...FIXTURES.progress, title: { key: "notice.communityCreated", params: { name: huge(50_000) } }, total: 9_999_999_999, sent: 9_999_999_000, failed: 500, unreachable: 499, queued: 0, done: true },
];

describe("Slack renderers", () => {
  it("has one renderer per View kind", () => {
    expect(Object.keys(SLACK_RENDERERS).sort()).toEqual(Object.keys(FIXTURES).sort());
  });

  it.each(Object.keys(FIXTURES) as ViewKind[])("renders %s as valid Block Kit (snapshot)", (kind) => {
    const rendering = renderView(FIXTURES[kind] as View);
    expect(rendering).toMatchSnapshot();
    const message = renderMessage(FIXTURES[kind] as View);
    expect(message.text.length).toBeGreaterThan(0);
    expect(blockProblems(message.blocks, "message", "/blocks")).toEqual([]);
    if (rendering.surface === "modal") expect(checkView(charterModal(FIXTURES.charterForm, { spaceKey: "slack:T1:C1", displayName: "#x", personal: false }), ["modal"])).toEqual({ ok: true });
  });

  it("escapes people's text so it cannot mention @channel or inject links", () => {
    const view: View = { ...FIXTURES.notice, message: { key: "notice.communityCreated", params: { name: "<!channel> <https://evil.example|click>" } } };
    const { text, blocks } = renderMessage(view);
    expect(text).toContain("&lt;!channel&gt;");
    expect(JSON.stringify(blocks)).not.toContain("<!channel>");
    expect(JSON.stringify(renderMessage(FIXTURES.roles).blocks)).toContain("Ben &lt;Okafor&gt;");
  });

  it.each(OVERSIZED.map((v) => [v.kind, v] as const))("keeps an oversized %s inside Slack's limits", (_kind, view) => {
    const { text, blocks } = renderMessage(view);
    expect(blockProblems(blocks, "message", "/blocks")).toEqual([]);
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.message.blocks);
    expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.message.textRecommended);
  });

  it("says how much of a long roster did not fit", () => {
    const { blocks } = renderMessage(OVERSIZED[2]!);
    expect(blocks).toHaveLength(SLACK_LIMITS.message.blocks);
    expect(JSON.stringify(blocks.at(-1))).toMatch(/more parts? that did not fit in one message/);
  });

  it("shows a fan-out's progress as words and a symbol, with the counts written for the reader's locale", () => {
    const sending = renderMessage(FIXTURES.progress);
    expect(sending.text).toBe("Sending: 1,234 of 2,000 delivered (Roles in Data Stewards CoP)");
    expect(JSON.stringify(sending.blocks)).toContain(":hourglass_flowing_sand: Sending: 1,234 of 2,000 delivered");
    expect(JSON.stringify(sending.blocks)).toContain("Only you see this message");
    const done = renderMessage({ ...FIXTURES.progress, locale: "de-DE", sent: 1988, queued: 0, done: true });
    expect(done.text).toBe("Done: 1.988 of 2.000 delivered (Roles in Data Stewards CoP)");
    expect(JSON.stringify(done.blocks)).toContain(":warning: Done: 1.988 of 2.000 delivered");
    expect(JSON.stringify(done.blocks)).toContain("12 recipients could not be reached: the app was blocked or removed there");
    const all = renderMessage({ ...FIXTURES.progress, sent: 2000, unreachable: 0, queued: 0, done: true });
    expect(all.text).toMatch(/^Done: all 2,000 delivered/);
    for (const { blocks } of [sending, done, all]) expect(blockProblems(blocks, "message", "/blocks")).toEqual([]);
    expect(JSON.stringify(all.blocks)).not.toMatch(/could not be reached:|Only you see this/);
  });

  it("keeps an oversized form inside the modal limits", () => {
    const values = { ...FIXTURES.charterForm.values, name: huge(5_000), goals: huge(9_000), participation: huge(9_000) };
    const modal = charterModal({ ...FIXTURES.charterForm, values, errors: { name: huge(4_000) } }, { spaceKey: "slack:T1:C1", displayName: huge(5_000), personal: false });
    expect(checkView(modal, ["modal"])).toEqual({ ok: true });
    expect(modal.private_metadata!.length).toBeLessThanOrEqual(SLACK_LIMITS.view.privateMetadata);
  });

  it("renders the App Home within the Home tab's limits, even for someone in many communities", () => {
    const home = renderHome({
      locale: "en", omitted: 960,
      communities: Array.from({ length: 200 }, (_, i) => ({ name: `Community ${i} ${huge(4_000)}`, role: "member" as const, status: "pilot" as const })),
    });
    expect(checkView(home, ["home"])).toEqual({ ok: true });
    expect(home.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.view.blocks);
    expect(renderHome({ locale: "en", omitted: 0, communities: [] })).toMatchSnapshot();
  });
});
