import { describe, expect, it } from "vitest";
import { Member, type Profile } from "../../src/core/domain.js";
import { findExperts } from "../../src/core/workflows/onboarding/finder.js";
import { isIanaZone } from "../../src/core/workflows/onboarding/profileForm.js";

const member = (name: string, profile: Partial<Profile>): Member =>
  Member.parse({ communityId: "c1", personKey: `slack:T1:U${name.toUpperCase()}`, displayName: name, role: "member", profile: { visible: true, ...profile }, joinedAt: "2026-11-23T09:00:00Z", lastActiveAt: "2026-11-23T09:00:00Z" });

describe("the expertise finder", () => {
  it("matches words whatever their case or plural, the whole phrase first, expertise before interests", () => {
    const people = [
      member("ana", { interests: ["ETL pipelines"] }),
      member("ben", { expertise: ["Data PIPELINE design"] }),
      member("cho", { expertise: ["Pipeline"] }),
      member("dan", { expertise: ["Statistics"] }),
    ];
    expect(findExperts(people, "data pipelines").map((m) => m.member.displayName)).toEqual(["ben", "cho", "ana"]);
    expect(findExperts(people, "  ")).toEqual([]);
  });

  it("never searches a profile its owner did not make visible, nor one never shared", () => {
    const hidden = member("eve", { expertise: ["Ontologies"], visible: false });
    const unset = Member.parse({ ...member("fay", { expertise: ["Ontologies"] }), profile: { expertise: ["Ontologies"] } });
    expect(findExperts([hidden, unset], "ontologies")).toEqual([]);
  });

  it("finds words in any script", () => {
    expect(findExperts([member("zoë", { expertise: ["Gestión de datos"] })], "GESTIÓN")).toHaveLength(1);
  });
});

describe("time zones in a profile", () => {
  it("are IANA names the runtime knows, not offsets or abbreviations", () => {
    for (const zone of ["Europe/Rome", "America/Argentina/Buenos_Aires", "UTC", "Etc/GMT+3"]) expect(isIanaZone(zone)).toBe(true);
    for (const zone of ["Mars/Olympus", "+02:00", "CEST ", "Europe/Rome; drop"]) expect(isIanaZone(zone)).toBe(false);
  });
});
