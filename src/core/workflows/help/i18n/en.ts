/** Help, the welcome when the app is added, and a person's home. */
export const helpEn = {
  "help.title": "CoP Companion: what I can do",
  "help.summary": "What CoP Companion can do here: {commands}.",
  "help.intro.community": "This space belongs to **{name}**.",
  "help.intro.none": "This space is not part of a community yet. Anyone can set one up here, or link it to an existing community with a code from its facilitator.",
  "help.intro.personal": "This is your private chat with me. Communities live in channels and group chats: add me to one and type {setup} there to start a community, or {link} to join that channel to an existing one.",
  "help.welcome": "Thanks for adding me! I help run a community of practice here.",
  "help.cmd.help": "Show this help.",
  "help.usage.help": "help",
  "help.mentionHint": "In a channel or group chat, @mention me before the command, e.g. {example}.",
  "home.communities": "Your communities",
  "home.none": "You are not part of a community yet. Type {setup} in a channel to create one, or ask a facilitator for a link code.",
  "home.community": "{role} · {status}",
  "home.summary": "Your communities in CoP Companion.",
} as const;
