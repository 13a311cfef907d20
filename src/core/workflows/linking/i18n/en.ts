/** Linking a second space (on either platform) to a community. */
export const linkingEn = {
  "help.cmd.link": "Link this community to a channel on the other platform (Teams or Slack): gives a one-time code.",
  "help.cmd.linkCode": "Join this space to a community with the code a facilitator gave you.",
  "help.usage.link": "link",
  "help.usage.linkCode": "link CODE",
  "notice.linkCode": "To link another channel to **{name}**, type {slack} in that Slack channel, or {teams} in that Teams channel. The code works once and expires in {minutes} minutes. Keep it to yourself: anyone with it can link a channel.",
  "notice.linked": "**{name}** now meets in {spaces}. Events, surveys, digests and totals cover all of them.",
  "notice.linkedFacilitator": "You facilitate **{name}**, and you can run it from here too.",
  "notice.linkedSteward": "You can manage **{name}** from here as its {role}.",
  "notice.linkInvalid": "That link code is not valid: it may be mistyped, already used, or older than {minutes} minutes. Ask a facilitator to type {link} for a new one.",
  "notice.linkAlreadyHere": "This space is already part of **{name}**, so there is nothing to link.",
  "notice.linkSameSpace": "This space already belongs to **{name}**, so the code was not used: it still works in the channel you meant to link.",
} as const;
