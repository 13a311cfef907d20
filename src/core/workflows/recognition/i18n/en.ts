/** The recognition workflow's messages: kudos and milestones. */
export const recognitionEn = {
  "help.usage.kudos": "kudos @PERSON for WHAT",
  "help.cmd.kudos": "Thank someone in the community for what they did: a celebration in every space of the community, and a direct message to them. Pick the person from the list that opens as you type @.",
  "help.usage.kudosList": "kudos",
  "help.cmd.kudosList": "List the community's recent kudos, newest first.",
  "help.usage.milestones": "milestones off|on",
  "help.cmd.milestones":
    "Turn off or on the automatic celebration of milestones: a member's first contribution, their one-year anniversary, the community's 10th event and its 100th member.",

  "recognition.person.elsewhere": "{name} (on {platform})",
  "recognition.person.someone": "someone",

  "recognition.kudos.usage": "To give kudos, type {usage}, e.g. {example}: pick the person from the list that opens as you type @, then say what you thank them for.",
  "recognition.kudos.unidentified": "I could not tell who {person} is. Pick them from the list that opens as you type @, then try again.",
  "recognition.kudos.notMember": "{person} isn't in **{name}** yet. Once they join one of its spaces, you can give them kudos.",
  "recognition.kudos.onePerson": "Kudos go to one person at a time: type {usage} for each of them.",
  "recognition.kudos.self": "Kind of you to think of yourself! Kudos are for thanking someone else, though: who helped you lately?",
  "recognition.kudos.tooLong": "A kudos can say at most {max} characters; yours has {length}. Please shorten it and send it again.",
  "recognition.kudos.title": "Kudos!",
  "recognition.kudos.text": "🎉 {from} gives kudos to {to} for: {reason}",
  "recognition.kudos.hint": "Thank someone yourself with {usage}.",
  "recognition.kudos.dm.title": "You got kudos",
  "recognition.kudos.dm.text": "🎉 {from} thanked you in **{name}** for: {reason}",

  "recognition.list.title": "Kudos in {name}",
  "recognition.list.summary": "{count, plural, =0 {No kudos in {name} yet.} one {# kudos in {name}.} other {The # most recent kudos in {name}.}}",
  "recognition.list.item": "{when}: {from} to {to}, for: {reason}",
  "recognition.list.empty": "No kudos yet. Be the first: {usage}.",
  "recognition.list.older": "Show older kudos",
  "recognition.list.olderSummary": "Older kudos in {name}.",

  "recognition.milestone.title": "Milestone",
  "recognition.milestone.firstContribution.kudos": "🌱 {person} made their first contribution to **{name}**: their first kudos to someone. Welcome aboard!",
  "recognition.milestone.firstContribution.rsvp": "🌱 {person} made their first contribution to **{name}**: they answered an event invitation for the first time. Welcome aboard!",
  "recognition.milestone.anniversary": "🎂 {person} joined **{name}** one year ago. Thank you for a year in the community!",
  "recognition.milestone.tenthEvent": "🎉 **{name}** has scheduled its {count, selectordinal, one {#st} two {#nd} few {#rd} other {#th}} event. Thank you to everyone who organised, presented and took part!",
  "recognition.milestone.hundredthMember": "🎉 **{name}** has {count} members! A warm welcome to everyone who joined.",
  "recognition.milestone.hint": "Stewards turn milestone posts off with {usage}.",
  "recognition.milestone.dm.title": "A milestone of yours",
  "recognition.milestone.dm.firstContribution": "Thank you for your first contribution to **{name}**! The community celebrated it in its spaces.",
  "recognition.milestone.dm.anniversary": "Happy anniversary! You joined **{name}** one year ago. Thank you for being part of it.",

  "recognition.milestones.off": "Milestones of **{name}** are no longer celebrated automatically. Turn them on again with {on}.",
  "recognition.milestones.on": "Milestones of **{name}** are celebrated automatically again: first contributions, one-year anniversaries, the 10th event and the 100th member.",
  "recognition.milestones.state.on": "on",
  "recognition.milestones.state.off": "off",
  "recognition.milestones.usage": "Milestone posts are {state} for **{name}**. Type {off} or {on}.",
} as const;
