import type { Resource } from "./model.js";

/** A community's library of shared resources (src/store/knowledge implements it). */
export interface ResourceLibrary {
  /**
   * Adds a resource unless its link is in the library already: then the one there is returned. `taken` when
   * its id is (the caller draws another).
   */
  add(resource: Resource): Promise<{ result: "added" } | { result: "duplicate"; existing: Resource } | { result: "taken" }>;
  get(communityId: string, id: string): Promise<Resource | undefined>;
  /** Every resource of a community (the library is searched in full: tables have no text index). */
  all(communityId: string): Promise<Resource[]>;
  remove(communityId: string, id: string): Promise<"removed" | "missing">;
}
