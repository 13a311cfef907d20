import type { ConfigurationBotFrameworkAuthenticationOptions } from "botbuilder";
import type { TeamsConfig } from "../config.js";

/** Optional endpoints a test (or a sovereign cloud) points elsewhere; production leaves them unset. */
export interface AuthEndpoints {
  /** OpenID metadata listing the keys that sign channel tokens. */
  openIdMetadataUrl?: string;
  tokenIssuer?: string;
}

/** botframework-connector's AuthenticationConstants for the public cloud (that package is not a direct dependency). */
const PUBLIC_CLOUD = {
  ToChannelFromBotLoginUrl: "https://login.microsoftonline.com/botframework.com",
  ToChannelFromBotOAuthScope: "https://api.botframework.com",
  ToBotFromChannelTokenIssuer: "https://api.botframework.com",
  OAuthUrl: "https://api.botframework.com",
  ToBotFromChannelOpenIdMetadataUrl: "https://login.botframework.com/v1/.well-known/openidconfiguration",
  ToBotFromEmulatorOpenIdMetadataUrl: "https://login.microsoftonline.com/botframework.com/v2.0/.well-known/openid-configuration",
  CallerId: "urn:botframework:azure",
} as const;

/**
 * Bot Framework authentication settings. Local mode has no app id: botbuilder then skips token
 * validation, which is why config.ts only allows local mode on a loopback HOST. With an app id every
 * request must carry a channel token for that app id (single-tenant or user-assigned managed identity;
 * multi-tenant registrations are deprecated and not offered).
 */
export function botAuthOptions(teams: TeamsConfig, endpoints: AuthEndpoints = {}): ConfigurationBotFrameworkAuthenticationOptions {
  if (teams.mode === "local") return {};
  const options: Record<string, string> = {
    MicrosoftAppId: teams.appId,
    MicrosoftAppType: teams.appType,
    MicrosoftAppTenantId: teams.tenantId,
  };
  if (teams.appType === "SingleTenant" && teams.password) options.MicrosoftAppPassword = teams.password;
  // botbuilder takes any one of these as "all are set": give the public-cloud value for the others.
  if (endpoints.openIdMetadataUrl || endpoints.tokenIssuer) {
    Object.assign(options, PUBLIC_CLOUD, {
      ToBotFromChannelOpenIdMetadataUrl: endpoints.openIdMetadataUrl ?? PUBLIC_CLOUD.ToBotFromChannelOpenIdMetadataUrl,
      ToBotFromChannelTokenIssuer: endpoints.tokenIssuer ?? PUBLIC_CLOUD.ToBotFromChannelTokenIssuer,
    });
  }
  return options as ConfigurationBotFrameworkAuthenticationOptions;
}

export function describeAuth(teams: TeamsConfig): string {
  return teams.mode === "local"
    ? "local mode: no authentication (loopback only); set MICROSOFT_APP_ID, MICROSOFT_APP_TENANT_ID and MICROSOFT_APP_PASSWORD for a real tenant"
    : `authenticated: ${teams.appType} app ${teams.appId} in tenant ${teams.tenantId}; requests without a valid Bot Framework token get 401`;
}
