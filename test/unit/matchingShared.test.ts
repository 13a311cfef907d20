import { describe, expect, it } from "vitest";
import type { Member } from "../../src/core/domain.js";
import { matchedOf, suggestTopic } from "../../src/core/workflows/matching/plan.js";

const member = (id: string, visible: boolean, organisation: string, expertise: string[], interests: string[]): Member => ({
  communityId: "c1",
  personKey: `teams:t1:${id}`,
  displayName: id,
  role: "member",
  profile: { visible, organisation, role: "", expertise, interests, offers: "", wantsToLearn: "", timezone: "" },
  joinedAt: "2026-11-01T00:00:00.000Z",
  lastActiveAt: "2026-11-01T00:00:00.000Z",
});

/** What a group's introduction says about each person comes only from what they made visible. */
describe("a matched group's introduction", () => {
  const hidden = member("hana", false, "HiddenCorp", ["secret skill"], ["data curation"]);
  const open = member("otto", true, "Open Uni", ["metadata"], ["data curation"]);

  it("names no organisation of a profile that is not visible", () => {
    expect(matchedOf(hidden).organisation).toBe("");
    expect(matchedOf(open).organisation).toBe("Open Uni");
  });

  it("suggests no topic taken from a profile that is not visible", () => {
    const topic = suggestTopic([hidden, open]);
    expect(JSON.stringify(topic)).not.toMatch(/secret skill|data curation/);
    expect(topic).toEqual({ kind: "expertise", name: "otto", topic: "metadata" });
    expect(suggestTopic([{ ...hidden, profile: { ...hidden.profile, visible: true } }, open])).toEqual({ kind: "shared", topic: "data curation" });
  });
});
