// Example parameters for infra/main.bicep. Deploy with (Azure CLI 2.53 or newer):
//   az deployment group create -g <resource-group> -p infra/main.bicepparam
// Secrets are never written here: they are read from environment variables of the shell that runs
// the deployment (an unset variable means "not configured"). Export them again before every
// redeployment: a redeployment without them removes the matching app settings. See infra/README.md.
using './main.bicep'

// Base name of every resource: 2-20 lowercase letters, digits and hyphens.
param appName = 'cop-companion'

// location defaults to the resource group's region.

// B1 (Basic, Linux) is the smallest plan with Always On, which the scheduler needs.
param appServicePlanSku = 'B1'

// 'UserAssignedMSI': the bot uses the managed identity this template creates; no app registration,
// no secret. 'SingleTenant': set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD (an Entra app
// registration in your tenant) before deploying.
param botType = 'UserAssignedMSI'

// SingleTenant only, both required there (ignored for UserAssignedMSI).
param msAppId = readEnvironmentVariable('MICROSOFT_APP_ID', '')
param msAppPassword = readEnvironmentVariable('MICROSOFT_APP_PASSWORD', '')
// msAppTenantId defaults to the tenant of the subscription.

param botSku = 'F0'

// Slack, all optional. Without SLACK_SIGNING_SECRET the app runs without Slack.
// Single workspace: SLACK_SIGNING_SECRET + SLACK_BOT_TOKEN.
// Installable through OAuth: SLACK_SIGNING_SECRET + SLACK_CLIENT_ID + SLACK_CLIENT_SECRET + SLACK_STATE_SECRET.
param slackClientId = readEnvironmentVariable('SLACK_CLIENT_ID', '')
param slackSigningSecret = readEnvironmentVariable('SLACK_SIGNING_SECRET', '')
param slackClientSecret = readEnvironmentVariable('SLACK_CLIENT_SECRET', '')
param slackStateSecret = readEnvironmentVariable('SLACK_STATE_SECRET', '')
param slackBotToken = readEnvironmentVariable('SLACK_BOT_TOKEN', '')

param logLevel = 'info'

// 30 days of logs are included in the ingestion price; -1 = no daily ingestion cap.
param logRetentionInDays = 30
param logDailyCapGb = -1

// Irreversible once on; see infra/README.md before switching it on.
param enableKeyVaultPurgeProtection = false

param tags = {
  app: 'cop-companion'
}
