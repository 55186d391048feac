/** Binding for AWS ECR (`@artifact-registry/provider-aws`). */
export interface AwsBinding {
  platform: 'aws'
  /** Home region, e.g. `us-east-1`. */
  region: string
  /** Routable names are `{repositoryPrefix}-{name}`. */
  repositoryPrefix: string
  /** Role assumed for pull credentials. */
  pullRoleArn?: string
  /** Role assumed for push-pull credentials. */
  pushRoleArn?: string
  /** Regions that receive replicas of repositories under the prefix. */
  replicationRegions?: string[]
  /** Allow credentials from the ambient identity when no role is configured (not repository-scoped). */
  allowUnscopedCredentials?: boolean
  /** Endpoint override (tests, VPC endpoints). */
  endpoint?: string
}

/** Binding for GCP Artifact Registry (`@artifact-registry/provider-gcp`). */
export interface GcpBinding {
  platform: 'gcp'
  projectId: string
  /** GAR location, e.g. `us-central1` or `europe`. */
  location: string
  /** Short id of the GAR repository that holds the image paths. */
  repository: string
  /** Service account impersonated for pull credentials (reader on the GAR repository). */
  pullServiceAccount?: string
  /** Service account impersonated for push-pull credentials (writer on the GAR repository). */
  pushServiceAccount?: string
  /** API endpoint override (tests, private service connect). */
  apiEndpoint?: string
}

/** Binding for Azure Container Registry (`@artifact-registry/provider-azure`). */
export interface AzureBinding {
  platform: 'azure'
  subscriptionId: string
  resourceGroup: string
  /** Registry name; the login server is `{registryName}.azurecr.io` unless `loginServer` is set. */
  registryName: string
  /** Routable names are `{repositoryPrefix}/{name}` when set. */
  repositoryPrefix?: string
  /** Registry SKU; drives the client-side rate limits. @default "Standard" */
  sku?: 'Basic' | 'Standard' | 'Premium'
  /** Login server override (sovereign clouds). */
  loginServer?: string
  /** Entra ID authority override (sovereign clouds). */
  authorityHost?: string
  /**
   * How credentials are minted: `aad-exchange` (Entra ID → ACR token exchange, lifetime set by
   * ACR) or `repository-token` (an ACR token bound to the repository's scope map, with a password
   * that expires exactly at the requested TTL). @default "aad-exchange"
   */
  credentials?: 'aad-exchange' | 'repository-token'
}

/** Binding for the local registry (`@artifact-registry/provider-local`). */
export interface LocalBinding {
  platform: 'local'
  /** URL of a running registry; omitted → an embedded registry is started. */
  url?: string
  /** Namespace of this binding: routable names are `{bindingName}/{name}`. @default "artifacts" */
  bindingName?: string
  /** Data directory of the embedded registry. */
  dataDir?: string
  /** Admin credential of the registry at `url` (needed to mint credentials there). */
  adminCredentials?: { username: string; password: string }
  /** PEM of a private CA to trust for an `https://` `url`, on top of Node's default CAs. */
  caCertificate?: string
  /**
   * Where to mint credentials when `url` is a `registry:2` behind our token service whose realm
   * the provider would refuse (another host, or plain HTTP for an HTTPS registry). Default: the
   * realm in the registry's challenge.
   */
  tokenServiceUrl?: string
  /** Port of the embedded registry. Default: the one `dataDir` was served on before. */
  port?: number
}

/** A binding for a provider registered with `registerProvider`; it validates the rest itself. */
export interface ThirdPartyBinding {
  platform: string
  [field: string]: unknown
}

/** A binding of one of the built-in platforms. */
export type BuiltinBinding = AwsBinding | GcpBinding | AzureBinding | LocalBinding

/** What `createArtifactRegistry` accepts. */
export type ArtifactRegistryBinding = BuiltinBinding | ThirdPartyBinding

/** Built-in platform ids. */
export type BuiltinPlatform = BuiltinBinding['platform']
