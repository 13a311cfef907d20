import type { types as Slack } from "@slack/bolt";
import { LIMITS, type CommunityStatus, type Role } from "../../core/domain.js";
import { SLACK_LIMITS as L, truncate } from "../limits.js";
import { context, divider, fitBlocks, header, section, type Block } from "./blocks.js";
import { escapeMrkdwn, mrkdwn, plain } from "./text.js";

export interface HomeCommunity {
  name: string;
  role: Role;
  status: CommunityStatus;
}

/** What a person's App Home shows; events and surveys come with the issues that add them. */
export interface HomeModel {
  locale: string;
  communities: HomeCommunity[];
  /** Communities not listed because the tab holds a bounded number of blocks. */
  omitted: number;
}

/** How many communities the Home tab lists before summarising the rest. */
export const HOME_COMMUNITIES_SHOWN = 40;

export function renderHome(model: HomeModel): Slack.HomeView {
  const { locale } = model;
  // Bounded by count and name length as well as by blocks: a Home view may not exceed 250 kB in all.
  const shown = model.communities.slice(0, HOME_COMMUNITIES_SHOWN);
  const omitted = model.omitted + model.communities.length - shown.length;
  const communities: Block[] = shown.length
    ? shown.map((c) => {
        const line = mrkdwn(locale, "slack.home.community", { role: plain(locale, `role.${c.role}`), status: plain(locale, `status.${c.status}`) });
        return section(`*${escapeMrkdwn(truncate(c.name, LIMITS.name))}*\n${line}`);
      })
    : [section(mrkdwn(locale, "slack.home.none"))];
  if (omitted > 0) communities.push(context([mrkdwn(locale, "slack.home.more", { count: omitted })]));
  const blocks: Block[] = [
    header(plain(locale, "app.name")),
    section(`*${mrkdwn(locale, "slack.home.communities")}*`),
    ...communities,
    divider(),
    section(`*${mrkdwn(locale, "slack.home.events")}*`),
    context([mrkdwn(locale, "slack.home.eventsNone")]),
    divider(),
    section(`*${mrkdwn(locale, "slack.home.surveys")}*`),
    context([mrkdwn(locale, "slack.home.surveysNone")]),
  ];
  return { type: "home", blocks: fitBlocks(blocks, L.view.blocks, locale) };
}
