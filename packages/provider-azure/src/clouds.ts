/** The Azure clouds the provider knows the endpoints of (the SDK's `AzureClouds` names). */
export type AzureCloud = 'AZURE_PUBLIC_CLOUD' | 'AZURE_CHINA_CLOUD' | 'AZURE_US_GOVERNMENT'

/** Endpoints of one Azure cloud. */
export interface CloudEndpoints {
  /** Entra ID authority host. */
  readonly authorityHost: string
  /** Azure Resource Manager endpoint. */
  readonly managementEndpoint: string
  /** Token scope of ARM. */
  readonly managementScope: string
  /**
   * Token scope of ACR itself: the Entra ID token exchanged at the login server's
   * `/oauth2/exchange`. Registries that disable ARM-audience tokens (the built-in Azure Policy
   * "Container registries should have ARM audience token authentication disabled") accept only
   * this one. The same audience in every cloud.
   */
  readonly registryScope: string
  /** DNS suffix of registry login servers: `{registry}.{suffix}`. */
  readonly loginServerSuffix: string
}

const ACR_SCOPE = 'https://containerregistry.azure.net/.default'

/** Endpoints per cloud, from the Azure SDK's cloud settings and the ACR documentation. */
export const AZURE_CLOUDS: Readonly<Record<AzureCloud, CloudEndpoints>> = {
  AZURE_PUBLIC_CLOUD: {
    authorityHost: 'https://login.microsoftonline.com',
    managementEndpoint: 'https://management.azure.com',
    managementScope: 'https://management.azure.com/.default',
    registryScope: ACR_SCOPE,
    loginServerSuffix: 'azurecr.io',
  },
  AZURE_CHINA_CLOUD: {
    authorityHost: 'https://login.chinacloudapi.cn',
    managementEndpoint: 'https://management.chinacloudapi.cn',
    managementScope: 'https://management.chinacloudapi.cn/.default',
    registryScope: ACR_SCOPE,
    loginServerSuffix: 'azurecr.cn',
  },
  AZURE_US_GOVERNMENT: {
    authorityHost: 'https://login.microsoftonline.us',
    managementEndpoint: 'https://management.usgovcloudapi.net',
    managementScope: 'https://management.usgovcloudapi.net/.default',
    registryScope: ACR_SCOPE,
    loginServerSuffix: 'azurecr.us',
  },
}

/** The cloud whose Entra ID authority is `authorityHost`; the public cloud when none matches. */
export function cloudOfAuthority(authorityHost: string | undefined): AzureCloud {
  const host = authorityHost?.replace(/\/+$/, '').toLowerCase()
  const match = Object.entries(AZURE_CLOUDS).find(([, c]) => c.authorityHost === host)
  return (match?.[0] as AzureCloud | undefined) ?? 'AZURE_PUBLIC_CLOUD'
}

/**
 * The Entra ID authority of `cloud` when it is not the public cloud's, else `undefined`: what a
 * binding's `authorityHost` says, and what the default credential is given, so the public cloud
 * keeps `@azure/identity`'s own default (and its `AZURE_AUTHORITY_HOST`).
 */
export function sovereignAuthorityHost(cloud: AzureCloud | undefined): string | undefined {
  if (
    cloud === undefined ||
    cloud === 'AZURE_PUBLIC_CLOUD' ||
    !Object.hasOwn(AZURE_CLOUDS, cloud)
  ) {
    return undefined
  }
  return AZURE_CLOUDS[cloud].authorityHost
}
