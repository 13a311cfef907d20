// cop-companion on Azure: one Linux App Service app (Teams at /api/messages, Slack at /slack/*, /healthz),
// Azure Storage tables + queues for all state, Key Vault for every secret, Application Insights on a
// Log Analytics workspace, and an Azure Bot registration with the Microsoft Teams channel.
// How to deploy: infra/README.md.

targetScope = 'resourceGroup'

// ---------------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------------

@description('Base name for every resource: 2-20 characters, lowercase letters, digits and hyphens, starting with a letter. Globally unique names (storage, Key Vault, web app, bot) get a suffix derived from subscription, resource group and appName, so a redeployment finds the same resources.')
@minLength(2)
@maxLength(20)
param appName string

@description('Region for everything except the bot registration, which is global.')
param location string = resourceGroup().location

@description('App Service plan size (Linux). Always On is required for the scheduler, so Free and Shared plans are not offered.')
@allowed([
  'B1'
  'B2'
  'B3'
  'S1'
  'S2'
  'S3'
  'P0v3'
  'P1v3'
  'P2v3'
  'P3v3'
])
param appServicePlanSku string = 'B1'

@description('How the bot proves its identity to the Bot Framework. UserAssignedMSI: the managed identity created here, no secret to manage (works only while the code runs in this web app). SingleTenant: an Entra app registration in your tenant, with msAppId and msAppPassword. Multi-tenant registration is deprecated and not offered.')
@allowed([
  'SingleTenant'
  'UserAssignedMSI'
])
param botType string = 'UserAssignedMSI'

@description('SingleTenant only: the Application (client) ID of the Entra app registration. Ignored for UserAssignedMSI.')
param msAppId string = ''

@description('SingleTenant only: the Entra tenant that holds the app registration. Defaults to the tenant of this subscription.')
param msAppTenantId string = tenant().tenantId

@description('SingleTenant only, and required there (the app will not start without it): a client secret of the app registration. Stored in Key Vault; the app setting MICROSOFT_APP_PASSWORD references it.')
@secure()
param msAppPassword string = ''

@description('Azure Bot pricing tier. Teams is a standard channel; F0 is enough for it.')
@allowed([
  'F0'
  'S1'
])
param botSku string = 'F0'

@description('Name shown for the bot registration in the Azure portal (Teams shows the name from the Teams app manifest).')
@maxLength(42)
param botDisplayName string = appName

@description('Slack: Client ID of the Slack app (Basic Information). Not a secret. Leave empty when Slack is not used.')
param slackClientId string = ''

@description('Slack: Signing Secret (Basic Information). Leave empty to run without Slack.')
@secure()
param slackSigningSecret string = ''

@description('Slack: Client Secret, for installing the app into workspaces through OAuth. Optional.')
@secure()
param slackClientSecret string = ''

@description('Slack: a random string of your choosing that signs the OAuth state parameter, e.g. the output of `openssl rand -hex 32`. Optional.')
@secure()
param slackStateSecret string = ''

@description('Slack: Bot User OAuth Token (xoxb-...) for a single workspace installed by hand instead of through OAuth. Optional.')
@secure()
param slackBotToken string = ''

@description('Azure OpenAI (optional): endpoint of the resource, e.g. https://NAME.openai.azure.com. With a key and a deployment, stewards may have follow-ups drafted from their notes; leave all empty to leave the feature out.')
param azureOpenAiEndpoint string = ''

@description('Azure OpenAI (optional): an API key of the resource. Stored in Key Vault; the app setting AZURE_OPENAI_API_KEY references it.')
@secure()
param azureOpenAiApiKey string = ''

@description('Azure OpenAI (optional): the chat model deployment name (a model that supports structured outputs, e.g. gpt-4o-mini).')
param azureOpenAiDeployment string = ''

@description('Azure OpenAI (optional): the data-plane API version.')
param azureOpenAiApiVersion string = '2024-10-21'

@description('Log level of the app (pino levels).')
@allowed([
  'fatal'
  'error'
  'warn'
  'info'
  'debug'
  'trace'
  'silent'
])
param logLevel string = 'info'

@description('Days the Log Analytics workspace (and so Application Insights) keeps data. 30 days are included in the ingestion price.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('Daily ingestion cap of the Log Analytics workspace in GB; -1 means no cap. Data past the cap is dropped until the next day.')
param logDailyCapGb int = -1

@description('Turn on Key Vault purge protection. Once on it cannot be turned off, and a deleted vault name stays taken for the whole retention period.')
param enableKeyVaultPurgeProtection bool = false

@description('Tags applied to every resource.')
param tags object = {}

// ---------------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------------

var suffix = uniqueString(subscription().id, resourceGroup().id, appName)
var compactName = toLower(replace(appName, '-', ''))
var isManagedIdentityBot = botType == 'UserAssignedMSI'
var isSingleTenantBotWithSecret = botType == 'SingleTenant' && !empty(msAppPassword)

var names = {
  identity: 'id-${appName}'
  logAnalytics: 'log-${appName}'
  appInsights: 'appi-${appName}'
  // 3-24 lowercase letters and digits, globally unique.
  storage: 'st${take(compactName, 9)}${suffix}'
  // 3-24 letters, digits and hyphens, globally unique.
  keyVault: 'kv${take(compactName, 9)}${suffix}'
  plan: 'asp-${appName}'
  // Becomes <name>.azurewebsites.net (or a hashed regional host name), globally unique.
  webApp: 'app-${appName}-${suffix}'
  // The bot handle is globally unique as well.
  bot: 'bot-${appName}-${suffix}'
}

// Built-in role "Key Vault Secrets User": read secret contents.
var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'

var secretNames = {
  storageConnectionString: 'storage-connection-string'
  microsoftAppPassword: 'microsoft-app-password'
  slackSigningSecret: 'slack-signing-secret'
  slackClientSecret: 'slack-client-secret'
  slackStateSecret: 'slack-state-secret'
  slackBotToken: 'slack-bot-token'
  azureOpenAiApiKey: 'azure-openai-api-key'
}

// ---------------------------------------------------------------------------------------------------
// Identity
// ---------------------------------------------------------------------------------------------------

// The web app runs as this identity: it reads Key Vault references and, when botType is
// UserAssignedMSI, it is also the bot's identity toward the Bot Framework.
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: names.identity
  location: location
  tags: tags
}

// ---------------------------------------------------------------------------------------------------
// Monitoring
// ---------------------------------------------------------------------------------------------------

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: names.logAnalytics
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionInDays
    workspaceCapping: {
      dailyQuotaGb: logDailyCapGb
    }
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: names.appInsights
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    IngestionMode: 'LogAnalytics'
  }
}

// ---------------------------------------------------------------------------------------------------
// Storage: Azure Table Storage for all state, Azure Storage Queues for outbound deliveries.
// The app creates its own tables and queues on start.
// ---------------------------------------------------------------------------------------------------

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: names.storage
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    supportsHttpsTrafficOnly: true
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    // The app connects with a connection string (account key), so shared-key access stays on.
    allowSharedKeyAccess: true
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

// ---------------------------------------------------------------------------------------------------
// Key Vault: every secret the app uses, read through App Service Key Vault references.
// ---------------------------------------------------------------------------------------------------

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: names.keyVault
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // Purge protection can only be switched on; leaving the property out keeps it off.
    enablePurgeProtection: enableKeyVaultPurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
  }
}

resource keyVaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, identity.id, keyVaultSecretsUserRoleId)
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource storageConnectionStringSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: secretNames.storageConnectionString
  properties: {
    value: 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'
  }
}

resource microsoftAppPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (isSingleTenantBotWithSecret) {
  parent: keyVault
  name: secretNames.microsoftAppPassword
  properties: {
    value: msAppPassword
  }
}

resource slackSigningSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(slackSigningSecret)) {
  parent: keyVault
  name: secretNames.slackSigningSecret
  properties: {
    value: slackSigningSecret
  }
}

resource slackClientSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(slackClientSecret)) {
  parent: keyVault
  name: secretNames.slackClientSecret
  properties: {
    value: slackClientSecret
  }
}

resource slackStateSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(slackStateSecret)) {
  parent: keyVault
  name: secretNames.slackStateSecret
  properties: {
    value: slackStateSecret
  }
}

resource slackBotTokenSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(slackBotToken)) {
  parent: keyVault
  name: secretNames.slackBotToken
  properties: {
    value: slackBotToken
  }
}

resource azureOpenAiApiKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(azureOpenAiApiKey)) {
  parent: keyVault
  name: secretNames.azureOpenAiApiKey
  properties: {
    value: azureOpenAiApiKey
  }
}

// ---------------------------------------------------------------------------------------------------
// App Service
// ---------------------------------------------------------------------------------------------------

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: names.plan
  location: location
  tags: tags
  kind: 'linux'
  sku: {
    name: appServicePlanSku
  }
  properties: {
    // true = Linux plan.
    reserved: true
  }
}

var botMsaAppId = isManagedIdentityBot ? identity.properties.clientId : msAppId
var botMsaTenantId = isManagedIdentityBot ? identity.properties.tenantId : msAppTenantId

// Key Vault references with unversioned secret URIs: App Service picks up a new secret version within
// 24 hours, or at once on any configuration change. vaultUri ends with a slash.
var secretReferencePrefix = '@Microsoft.KeyVault(SecretUri=${keyVault.properties.vaultUri}secrets/'

// Every variable the app reads. Optional ones are left out entirely when not configured, so the app
// sees them unset (for example: no Slack signing secret, no Slack).
var baseSettings = {
  // The app listens on PORT. App Service forwards requests to the container port and injects PORT
  // into the container; both settings pin that port to 3978 so the two always agree.
  WEBSITES_PORT: '3978'
  PORT: '3978'
  HOST: '0.0.0.0'
  // Zip deploy runs `npm install` (and `npm run build`) on the server.
  SCM_DO_BUILD_DURING_DEPLOYMENT: 'true'
  PUBLIC_URL: 'https://${siteHost}'
  LOG_LEVEL: logLevel
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
  AZURE_STORAGE_CONNECTION_STRING: '${secretReferencePrefix}${secretNames.storageConnectionString})'
  MICROSOFT_APP_ID: botMsaAppId
  MICROSOFT_APP_TYPE: botType
  MICROSOFT_APP_TENANT_ID: botMsaTenantId
}
var appPasswordSettings = isSingleTenantBotWithSecret ? {
  MICROSOFT_APP_PASSWORD: '${secretReferencePrefix}${secretNames.microsoftAppPassword})'
} : {}
var slackClientIdSettings = empty(slackClientId) ? {} : {
  SLACK_CLIENT_ID: slackClientId
}
var slackSigningSecretSettings = empty(slackSigningSecret) ? {} : {
  SLACK_SIGNING_SECRET: '${secretReferencePrefix}${secretNames.slackSigningSecret})'
}
var slackClientSecretSettings = empty(slackClientSecret) ? {} : {
  SLACK_CLIENT_SECRET: '${secretReferencePrefix}${secretNames.slackClientSecret})'
}
var slackStateSecretSettings = empty(slackStateSecret) ? {} : {
  SLACK_STATE_SECRET: '${secretReferencePrefix}${secretNames.slackStateSecret})'
}
var slackBotTokenSettings = empty(slackBotToken) ? {} : {
  SLACK_BOT_TOKEN: '${secretReferencePrefix}${secretNames.slackBotToken})'
}
// All or none (the app refuses a partial set): only when the endpoint is given.
var azureOpenAiSettings = empty(azureOpenAiEndpoint) ? {} : {
  AZURE_OPENAI_ENDPOINT: azureOpenAiEndpoint
  AZURE_OPENAI_API_KEY: '${secretReferencePrefix}${secretNames.azureOpenAiApiKey})'
  AZURE_OPENAI_DEPLOYMENT: azureOpenAiDeployment
  AZURE_OPENAI_API_VERSION: azureOpenAiApiVersion
}
var appSettings = union(baseSettings, appPasswordSettings, slackClientIdSettings, slackSigningSecretSettings, slackClientSecretSettings, slackStateSecretSettings, slackBotTokenSettings, azureOpenAiSettings)

// The default host name is known before the app exists only for the classic <name>.azurewebsites.net
// form, so everything that needs it reads it from the created site instead.
var siteHost = webApp.properties.defaultHostName

resource webApp 'Microsoft.Web/sites@2023-12-01' = {
  name: names.webApp
  location: location
  tags: tags
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Instances are stateless: no ARR affinity cookie.
    clientAffinityEnabled: false
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      linuxFxVersion: 'NODE|22-lts'
      // The compiled build (npm run build ran during deployment): faster start, less memory than tsx.
      appCommandLine: 'npm run start:prod'
      alwaysOn: true
      healthCheckPath: '/healthz'
      http20Enabled: true
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
  }
}

// App settings as their own resource: they need the site's host name, and they must not be
// resolved before the identity may read the vault and the secrets exist.
resource webAppSettings 'Microsoft.Web/sites/config@2023-12-01' = {
  parent: webApp
  name: 'appsettings'
  properties: appSettings
  dependsOn: [
    keyVaultSecretsUser
    storageConnectionStringSecret
    microsoftAppPasswordSecret
    slackSigningSecretSecret
    slackClientSecretSecret
    slackStateSecretSecret
    slackBotTokenSecret
  ]
}

// Console output (the app's pino logs), HTTP access logs and platform events go to Log Analytics.
resource webAppDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: webApp
  properties: {
    workspaceId: logAnalytics.id
    logs: [
      {
        category: 'AppServiceConsoleLogs'
        enabled: true
      }
      {
        category: 'AppServiceHTTPLogs'
        enabled: true
      }
      {
        category: 'AppServicePlatformLogs'
        enabled: true
      }
      {
        category: 'AppServiceAuditLogs'
        enabled: true
      }
    ]
  }
}

// ---------------------------------------------------------------------------------------------------
// Azure Bot: the registration Teams talks to; it forwards activities to /api/messages.
// ---------------------------------------------------------------------------------------------------

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: names.bot
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: {
    name: botSku
  }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${siteHost}/api/messages'
    msaAppType: botType
    msaAppId: botMsaAppId
    msaAppTenantId: botMsaTenantId
    // Only a managed-identity bot names its identity resource.
    msaAppMSIResourceId: isManagedIdentityBot ? identity.id : null
    publicNetworkAccess: 'Enabled'
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------------------------------

@description('Public base URL of the app.')
output webAppUrl string = 'https://${siteHost}'

@description('Host name of the app: BOT_DOMAIN for `npm run package:teams`.')
output webAppHostName string = siteHost

@description('Name of the web app, for `az webapp deploy`.')
output webAppName string = webApp.name

@description('Messaging endpoint registered on the Azure Bot (Teams).')
output botEndpoint string = 'https://${siteHost}/api/messages'

@description('Request URL for Slack events and interactivity.')
output slackEventsUrl string = 'https://${siteHost}/slack/events'

@description('The bot\'s Microsoft App ID: MICROSOFT_APP_ID for `npm run package:teams`.')
output botAppId string = botMsaAppId

@description('Name of the Azure Bot resource.')
output botName string = bot.name

@description('Name of the storage account (tables and queues).')
output storageAccountName string = storage.name

@description('Name of the Key Vault holding the secrets.')
output keyVaultName string = keyVault.name

@description('Client ID of the user-assigned managed identity the web app runs as.')
output managedIdentityClientId string = identity.properties.clientId
