import { kernelEn } from "../kernel/i18n/en.js";
import { communityEn } from "../workflows/community/i18n/en.js";
import { eventsEn } from "../workflows/events/i18n/en.js";
import { helpEn } from "../workflows/help/i18n/en.js";
import { linkingEn } from "../workflows/linking/i18n/en.js";
import { surveysEn } from "../workflows/surveys/i18n/en.js";
import { onboardingEn } from "../workflows/onboarding/i18n/en.js";
import { recognitionEn } from "../workflows/recognition/i18n/en.js";
import { planEn } from "../workflows/plan/i18n/en.js";
import { metricsEn } from "../workflows/metrics/i18n/en.js";
import { knowledgeEn } from "../workflows/knowledge/i18n/en.js";
import { matchingEn } from "../workflows/matching/i18n/en.js";
import { summariesEn } from "../workflows/summaries/i18n/en.js";
import { draftsEn } from "../workflows/drafts/i18n/en.js";

/**
 * English, the catalog every other language falls back to: the kernel's messages and each workflow's,
 * one namespace each. A key used in code but missing here fails to compile.
 */
export const en = { ...kernelEn, ...communityEn, ...linkingEn, ...helpEn, ...eventsEn, ...surveysEn, ...onboardingEn, ...recognitionEn, ...knowledgeEn, ...matchingEn, ...summariesEn, ...planEn, ...draftsEn, ...metricsEn } as const;

/** Each namespace on its own, in the order merged (a test checks no two share a key). */
export const CATALOG_PARTS: ReadonlyArray<Record<string, string>> = [kernelEn, communityEn, linkingEn, helpEn, eventsEn, surveysEn, onboardingEn, recognitionEn, knowledgeEn, matchingEn, summariesEn, planEn, draftsEn, metricsEn];



export type Catalog = { [K in keyof typeof en]: string };
