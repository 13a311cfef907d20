import { STEWARD_ROLES, type Member } from "../domain.js";
import type { CommandDef, Permission } from "./workflow.js";

/** Whether someone with this membership holds a permission (anyone acting in a bound space is a member). */
export function holds(permission: Permission, member: Member | undefined): boolean {
  switch (permission) {
    case "anyone":
      return true;
    case "member":
      return member !== undefined;
    case "steward":
      return !!member && STEWARD_ROLES.includes(member.role);
    case "facilitator":
      return member?.role === "facilitator";
    case "sponsor":
      return !!member && (member.role === "sponsor" || STEWARD_ROLES.includes(member.role));
  }
}

/** Whether a command can run in this place at all (before who is asking). */
export function fitsPlace(def: CommandDef, place: { personal: boolean; bound: boolean }): boolean {
  if (place.personal && !(def.personal ?? def.where === "anywhere")) return false;
  if (def.where === "community") return place.bound;
  if (def.where === "unbound") return !place.bound && !place.personal;
  return true;
}

/** A button anyone reading a shared message may press (the rest are for the asker's eyes only). */
export const forEveryone = (def: CommandDef | undefined) => !!def && (def.permission === "anyone" || def.permission === "member");
