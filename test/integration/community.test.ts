import { beforeEach, describe, expect, it } from "vitest";
import { handleRequest } from "../../src/core/dispatch.js";
import { tRef } from "../../src/core/i18n/index.js";
import type { Outcome, View } from "../../src/core/views.js";
import { ANA, BEN, CHANNEL, CHARTER_FORM, SLACK_CAROL, SLACK_CHANNEL, coreOnRealStore, request } from "../support/core.js";

type Deps = Awaited<ReturnType<typeof coreOnRealStore>>;
const only = (outcome: Outcome) => {
  expect(outcome.replies).toHaveLength(1);
  return outcome.replies[0]!;
};
const noticeText = (view: View) => (view.kind === "notice" ? tRef(view.locale, view.message) : `<${view.kind}>`);

async function setUpCommunity(deps: Deps) {
  return handleRequest(deps, request(ANA, CHANNEL, { type: "community.setup", form: CHARTER_FORM }));
}

describe("setting up and running a community", () => {
  let deps: Deps;
  beforeEach(async () => {
    deps = await coreOnRealStore();
  });

  it("offers the setup form in a channel, refuses it in a personal chat", async () => {
    expect(only(await handleRequest(deps, request(ANA, CHANNEL, { type: "community.setup.open" }))).view).toMatchObject({ kind: "charterForm", mode: "create" });
    const personal = only(await handleRequest(deps, request(ANA, { ...CHANNEL, personal: true }, { type: "community.setup.open" })));
    expect(noticeText(personal.view)).toMatch(/live in a channel or group chat/);
  });

  it("returns the form with field errors and stores nothing when the charter is incomplete", async () => {
    const reply = only(await handleRequest(deps, request(ANA, CHANNEL, { type: "community.setup", form: { ...CHARTER_FORM, audience: "", purposes: [] } })));
    expect(reply).toMatchObject({ audience: "actor", view: { kind: "charterForm", errors: { audience: "Required.", purposes: "Choose at least one purpose." } } });
    expect(reply.view.kind === "charterForm" && reply.view.values.name).toBe("Data Stewards");
    expect(await deps.repos.spaces.find(CHANNEL.spaceKey)).toBeUndefined();
  });

  it("creates the community, makes the creator its facilitator and shows the charter to the channel", async () => {
    const outcome = await setUpCommunity(deps);
    expect(noticeText(outcome.replies[0]!.view)).toMatch(/Data Stewards\*\* is set up in this space, and you are its facilitator/);
    expect(outcome.replies[1]).toMatchObject({
      audience: "space",
      view: { kind: "charter", charter: { name: "Data Stewards", purposes: ["learning", "knowledge"] }, stewards: ["Ana Duarte"], memberCount: 1, status: "pilot" },
    });
    const again = only(await setUpCommunity(deps));
    expect(noticeText(again.view)).toMatch(/already belongs to \*\*Data Stewards/);
  });

  it("lets only facilitators change the charter, and names who can", async () => {
    await setUpCommunity(deps);
    const refused = only(await handleRequest(deps, request(BEN, CHANNEL, { type: "community.charter.update", form: { ...CHARTER_FORM, name: "Hijacked" } })));
    expect(refused.audience).toBe("actor");
    expect(noticeText(refused.view)).toBe("Only the facilitators of **Data Stewards** can do that. Ask Ana Duarte.");
    const shown = only(await handleRequest(deps, request(BEN, CHANNEL, { type: "community.charter.show" })));
    expect(shown.view).toMatchObject({ kind: "charter", charter: { name: "Data Stewards" }, canManage: false });

    const edit = only(await handleRequest(deps, request(ANA, CHANNEL, { type: "community.charter.edit" })));
    expect(edit.view).toMatchObject({ kind: "charterForm", mode: "edit", values: { name: "Data Stewards", goals: "Share practice\nWrite a guide" } });
    const updated = await handleRequest(deps, request(ANA, CHANNEL, { type: "community.charter.update", form: { ...CHARTER_FORM, name: "Data Stewards Network" } }));
    expect(noticeText(updated.replies[0]!.view)).toMatch(/charter of \*\*Data Stewards Network\*\* was updated/);
  });

  it("assigns roles, lists them by prominence, and keeps at least one facilitator", async () => {
    await setUpCommunity(deps);
    const assign = (role: "co-facilitator" | "sponsor" | "member", person = BEN) =>
      handleRequest(deps, request(ANA, CHANNEL, { type: "community.role.assign", person: person.personKey, displayName: person.displayName, role }));
    expect(noticeText(only(await assign("sponsor")).view)).toBe("Ben Okafor is now Sponsor of **Data Stewards**.");
    const roles = only(await handleRequest(deps, request(BEN, CHANNEL, { type: "community.roles.show" })));
    expect(roles.view).toMatchObject({ kind: "roles", canAssign: false, people: [{ displayName: "Ana Duarte", role: "facilitator" }, { displayName: "Ben Okafor", role: "sponsor" }] });

    const demoteSelf = only(await handleRequest(deps, request(ANA, CHANNEL, { type: "community.role.assign", person: ANA.personKey, displayName: "", role: "member" })));
    expect(noticeText(demoteSelf.view)).toMatch(/needs at least one facilitator/);
  });

  it("lets only facilitators make or unmake facilitators, so a co-facilitator cannot take over", async () => {
    await setUpCommunity(deps);
    await handleRequest(deps, request(ANA, CHANNEL, { type: "community.role.assign", person: BEN.personKey, displayName: BEN.displayName, role: "co-facilitator" }));
    const promoteSelf = only(await handleRequest(deps, request(BEN, CHANNEL, { type: "community.role.assign", person: BEN.personKey, displayName: "", role: "facilitator" })));
    expect(noticeText(promoteSelf.view)).toBe("Only a facilitator of **Data Stewards** can make someone a facilitator or change a facilitator's role.");
    const demoteAna = only(await handleRequest(deps, request(BEN, CHANNEL, { type: "community.role.assign", person: ANA.personKey, displayName: "", role: "member" })));
    expect(noticeText(demoteAna.view)).toMatch(/^Only a facilitator of/);
    const roles = only(await handleRequest(deps, request(ANA, CHANNEL, { type: "community.roles.show" })));
    expect(roles.view).toMatchObject({ people: [{ displayName: "Ana Duarte", role: "facilitator" }, { displayName: "Ben Okafor", role: "co-facilitator" }] });
  });

  it("never ends with no facilitator when two facilitators demote each other at the same moment", async () => {
    await setUpCommunity(deps);
    await handleRequest(deps, request(ANA, CHANNEL, { type: "community.role.assign", person: BEN.personKey, displayName: BEN.displayName, role: "facilitator" }));
    const [byAna, byBen] = await Promise.all([
      handleRequest(deps, request(ANA, CHANNEL, { type: "community.role.assign", person: BEN.personKey, displayName: "", role: "member" })),
      handleRequest(deps, request(BEN, CHANNEL, { type: "community.role.assign", person: ANA.personKey, displayName: "", role: "member" })),
    ]);
    const texts = [noticeText(only(byAna).view), noticeText(only(byBen).view)];
    expect(texts.filter((text) => text.includes("is now Member"))).toHaveLength(1);
    expect(texts.filter((text) => text.includes("Please try again"))).toHaveLength(1);
    const community = (await deps.repos.spaces.find(CHANNEL.spaceKey))!.communityId;
    const roles = await Promise.all([ANA, BEN].map(async (p) => (await deps.repos.members.get(community, p.personKey))?.role));
    expect(roles.filter((role) => role === "facilitator")).toHaveLength(1);
  });

  it("moves the community through its statuses, for facilitators only", async () => {
    await setUpCommunity(deps);
    expect(noticeText(only(await handleRequest(deps, request(ANA, CHANNEL, { type: "community.status.set", status: "launched" }))).view)).toBe("**Data Stewards** is now Launched.");
    expect(noticeText(only(await handleRequest(deps, request(BEN, CHANNEL, { type: "community.status.set", status: "closed" }))).view)).toMatch(/^Only the facilitators/);
  });

  it("answers help and unknown words with help that knows the community", async () => {
    expect(only(await handleRequest(deps, request(BEN, CHANNEL, { type: "help" }))).view).toMatchObject({ kind: "help", canManage: true, communityName: undefined });
    await setUpCommunity(deps);
    const help = only(await handleRequest(deps, request(BEN, CHANNEL, { type: "unknown", text: "dance" })));
    expect(help.view).toMatchObject({ kind: "help", canManage: false, communityName: "Data Stewards", intro: { key: "help.unknown", params: { text: "dance" } } });
  });
});

describe("linking a second space", () => {
  let deps: Deps;
  beforeEach(async () => {
    deps = await coreOnRealStore();
    await setUpCommunity(deps);
  });

  const startLink = async () => {
    const reply = only(await handleRequest(deps, request(ANA, CHANNEL, { type: "space.link.start" })));
    const code = reply.view.kind === "notice" ? String(reply.view.message.params.code) : "";
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    return code;
  };

  it("joins a Slack channel to the Teams community with a one-time code", async () => {
    const code = await startLink();
    const outcome = await handleRequest(deps, request(SLACK_CAROL, SLACK_CHANNEL, { type: "space.link.redeem", code: code.toLowerCase().replace("-", " ") }));
    expect(noticeText(outcome.replies[0]!.view)).toBe(
      "This space is now part of **Data Stewards**, together with Microsoft Teams: General. Events, surveys, digests and totals cover all of them.",
    );
    const community = (await deps.repos.spaces.find(SLACK_CHANNEL.spaceKey))!.communityId;
    expect((await deps.repos.spaces.listForCommunity(community)).map((s) => s.platform).sort()).toEqual(["slack", "teams"]);
    expect((await deps.repos.members.get(community, SLACK_CAROL.personKey))?.role).toBe("co-facilitator");

    const reused = only(await handleRequest(deps, request(SLACK_CAROL, { ...SLACK_CHANNEL, spaceKey: "slack:T1:C999" }, { type: "space.link.redeem", code })));
    expect(noticeText(reused.view)).toMatch(/not valid: it may be mistyped, already used, or older than 15 minutes/);
  });

  it("refuses an expired code, and codes from non-facilitators", async () => {
    const code = await startLink();
    deps.setNow("2026-11-23T09:15:01Z");
    const late = only(await handleRequest(deps, request(SLACK_CAROL, SLACK_CHANNEL, { type: "space.link.redeem", code })));
    expect(noticeText(late.view)).toMatch(/older than 15 minutes/);
    expect(await deps.repos.spaces.find(SLACK_CHANNEL.spaceKey)).toBeUndefined();
    expect(noticeText(only(await handleRequest(deps, request(BEN, CHANNEL, { type: "space.link.start" }))).view)).toMatch(/^Only the facilitators/);
  });
});
