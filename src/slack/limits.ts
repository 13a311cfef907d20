/**
 * Slack's documented limits in one table, plus the two helpers renderers use to stay inside them.
 * Renderers truncate to these numbers instead of letting Slack reject a message (`invalid_blocks`).
 * Lengths are counted in UTF-16 code units (String#length): never fewer than Slack's "characters".
 */

export const SLACK_LIMITS = {
  message: {
    // docs.slack.dev/reference/block-kit/blocks: "up to 50 blocks in each message"
    blocks: 50,
    // docs.slack.dev/reference/methods/chat.postMessage#truncating: text over 40,000 chars is truncated
    text: 40_000,
    // same page: "For best results, limit the number of characters in the text field to 4,000"
    textRecommended: 4_000,
  },
  view: {
    // docs.slack.dev/reference/views/modal-views: blocks "Max of 100 blocks" (same for App Home views)
    blocks: 100,
    // modal-views: title "plain_text ... max length of 24 characters"
    title: 24,
    // modal-views: submit and close "Max length of 24 characters"
    submit: 24,
    close: 24,
    // modal-views: private_metadata "Max length of 3000 characters"
    privateMetadata: 3_000,
    // modal-views: callback_id "Max length of 255 characters"
    callbackId: 255,
    // docs.slack.dev/reference/methods/views.open: external_id "max length of 255 characters"
    externalId: 255,
    // docs.slack.dev/reference/methods/views.push: "limited to pushing 2 additional views" (stack of 3)
    stackDepth: 3,
  },
  block: {
    // every block reference page: block_id "Maximum length for this field is 255 characters"
    blockId: 255,
  },
  text: {
    // docs.slack.dev/reference/block-kit/composition-objects/text-object: "minimum 1, maximum 3000"
    max: 3_000,
  },
  section: {
    // docs.slack.dev/reference/block-kit/blocks/section-block: text "Maximum length ... 3000 characters"
    text: 3_000,
    // section-block: fields "Maximum number of items is 10"
    fields: 10,
    // section-block: fields "Maximum length for the text in each item is 2000 characters"
    fieldText: 2_000,
  },
  header: {
    // docs.slack.dev/reference/block-kit/blocks/header-block: "Maximum length ... 150 characters"
    text: 150,
  },
  context: {
    // docs.slack.dev/reference/block-kit/blocks/context-block: "Maximum number of items is 10"
    elements: 10,
  },
  actions: {
    // docs.slack.dev/reference/block-kit/blocks/actions-block: "maximum of 25 elements"
    elements: 25,
  },
  input: {
    // docs.slack.dev/reference/block-kit/blocks/input-block: label "Maximum length ... 2000 characters"
    label: 2_000,
    // input-block: hint "Maximum length ... 2000 characters"
    hint: 2_000,
  },
  image: {
    // docs.slack.dev/reference/block-kit/blocks/image-block: alt_text and title "2000 characters"
    altText: 2_000,
    title: 2_000,
  },
  element: {
    // every interactive element page: action_id "Maximum length is 255 characters"
    actionId: 255,
    // select/input element pages: placeholder "Maximum length ... 150 characters"
    placeholder: 150,
  },
  button: {
    // docs.slack.dev/reference/block-kit/block-elements/button-element: text "75 characters"
    text: 75,
    // button-element: value "Maximum length for this field is 2000 characters"
    value: 2_000,
    // button-element: url "Maximum length for this field is 3000 characters"
    url: 3_000,
    // button-element: accessibility_label "Maximum length ... 75 characters"
    accessibilityLabel: 75,
  },
  select: {
    // docs.slack.dev/reference/block-kit/block-elements/select-menu-element: "Maximum number of options is 100"
    options: 100,
    // select-menu-element: "Maximum number of option groups is 100"
    optionGroups: 100,
  },
  option: {
    // docs.slack.dev/reference/block-kit/composition-objects/option-object: text "75 characters"
    text: 75,
    // option-object (as mirrored in @slack/types 3.2): value "Maximum length ... 75 characters"
    value: 75,
    // option-object: description "Maximum length ... 75 characters"
    description: 75,
  },
  // docs.slack.dev/reference/block-kit/block-elements/checkboxes-element and radio-button-group-element: 10
  checkboxOptions: 10,
  radioOptions: 10,
  // docs.slack.dev/reference/block-kit/block-elements/overflow-menu-element: 2 to 5 options
  overflowOptions: 5,
  plainTextInput: {
    // docs.slack.dev/reference/block-kit/block-elements/plain-text-input-element: max_length 1..3000
    maxLength: 3_000,
  },
  confirm: {
    // docs.slack.dev/reference/block-kit/composition-objects/confirmation-dialog-object: 100/300/30/30
    title: 100,
    text: 300,
    confirm: 30,
    deny: 30,
  },
  interaction: {
    // docs.slack.dev/interactivity/handling-user-interaction: acknowledge within 3 seconds
    ackWithinMs: 3_000,
    // same page: trigger_id expires 3 seconds after it is issued
    triggerIdTtlMs: 3_000,
    // docs.slack.dev/interactivity/handling-user-interaction#message_responses: response_url 5 uses in 30 min
    responseUrlUses: 5,
    responseUrlTtlMs: 30 * 60_000,
  },
} as const;

/** Web API rate-limit tiers, requests per minute per method per workspace per app ("N+ per minute"). */
// docs.slack.dev/apis/web-api/rate-limits: Tier 1 1+, Tier 2 20+, Tier 3 50+, Tier 4 100+ per minute
export const SLACK_RATE_TIERS = { 1: 1, 2: 20, 3: 50, 4: 100 } as const;

export type SlackRateTier = keyof typeof SLACK_RATE_TIERS;

export type SlackMethodRateLimit =
  | { readonly tier: SlackRateTier; readonly perMinute: number }
  | {
      readonly tier: "special";
      /** Allowance per minute per workspace when Slack names one; undefined when it does not. */
      readonly perMinute?: number;
      /** chat.postMessage only: messages per second into one channel. */
      readonly perChannelPerSecond?: number;
      readonly note: string;
    };

const tier = (t: SlackRateTier): SlackMethodRateLimit => ({ tier: t, perMinute: SLACK_RATE_TIERS[t] });

/** The Web API methods this app calls, with the tier printed on each method's docs page. */
export const SLACK_METHOD_RATE_LIMITS = {
  // docs.slack.dev/apis/web-api/rate-limits#posting-messages: 1 per second per channel, short bursts allowed
  "chat.postMessage": {
    tier: "special",
    perChannelPerSecond: 1,
    note: "1 message per second per channel, short bursts allowed, plus an unpublished workspace-wide limit",
  },
  // docs.slack.dev/reference/methods/chat.postEphemeral: Tier 4
  "chat.postEphemeral": tier(4),
  // api.slack.com/methods/chat.update: Tier 3
  "chat.update": tier(3),
  // api.slack.com/methods/chat.delete: Tier 3
  "chat.delete": tier(3),
  // api.slack.com/methods/conversations.open: Tier 3
  "conversations.open": tier(3),
  // docs.slack.dev/reference/methods/conversations.info: Tier 3
  "conversations.info": tier(3),
  // docs.slack.dev/reference/methods/conversations.members: Tier 4
  "conversations.members": tier(4),
  // api.slack.com/methods/views.open: Tier 4
  "views.open": tier(4),
  // docs.slack.dev/reference/methods/views.update: Tier 4
  "views.update": tier(4),
  // docs.slack.dev/reference/methods/views.push: Tier 4
  "views.push": tier(4),
  // docs.slack.dev/reference/methods/views.publish: Tier 4
  "views.publish": tier(4),
  // docs.slack.dev/reference/methods/users.info: Tier 4
  "users.info": tier(4),
  // docs.slack.dev/reference/methods/team.info: Tier 3
  "team.info": tier(3),
  // docs.slack.dev/reference/methods/auth.test: special, "allows hundreds of requests per minute"
  "auth.test": { tier: "special", perMinute: 200, note: "hundreds of requests per minute" },
  // docs.slack.dev/reference/methods/oauth.v2.access: "Special rate limits apply" (no number published)
  "oauth.v2.access": { tier: "special", note: "special; no number published" },
  // docs.slack.dev/reference/methods/apps.uninstall: Tier 1
  "apps.uninstall": tier(1),
} as const satisfies Record<string, SlackMethodRateLimit>;

export type SlackMethod = keyof typeof SLACK_METHOD_RATE_LIMITS;

const ELLIPSIS = "…";

/** Shortens text to at most `max` UTF-16 units, ending in an ellipsis, never splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return "";
  let cut = max - ELLIPSIS.length;
  // A high surrogate at the cut would leave half an emoji behind.
  if (cut > 0 && isHighSurrogate(text.charCodeAt(cut - 1))) cut -= 1;
  return text.slice(0, cut) + ELLIPSIS;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

export interface OverflowContextBlock {
  type: "context";
  elements: [{ type: "plain_text"; text: string; emoji: boolean }];
}

/**
 * Keeps at most `max` blocks: when there are more, the first max-1 stay and a context block says how many
 * were left out (its text comes from the caller, so it can be localised).
 */
export function limitBlocks<B extends { type: string }>(
  blocks: readonly B[],
  max: number,
  overflowNotice: (omitted: number) => string,
): (B | OverflowContextBlock)[] {
  if (blocks.length <= max) return [...blocks];
  if (max <= 0) return [];
  const kept = blocks.slice(0, max - 1);
  const omitted = blocks.length - kept.length;
  const notice: OverflowContextBlock = {
    type: "context",
    elements: [{ type: "plain_text", text: truncate(overflowNotice(omitted), SLACK_LIMITS.text.max), emoji: true }],
  };
  return [...kept, notice];
}
