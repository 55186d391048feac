import type { BasicVerifier } from './acr-grants.js'
import type { FakeTokenClaims } from './jwt.js'

/** How the fake answers ARM long-running operations (create and delete). */
export type LroStyle = 'azure-async-operation' | 'location' | 'immediate'

/** Registry SKUs ACR offers. */
export type FakeSku = 'Basic' | 'Standard' | 'Premium'

/** Repository actions ACR grants in an access token. */
export type AcrAction = 'pull' | 'push' | 'delete'

/** Built-in Azure roles of ACR's data plane the fake knows. */
export type AcrRole = 'AcrPull' | 'AcrPush' | 'AcrDelete'

/** A service principal the fake Entra ID accepts (client-credentials flow). */
export interface FakeAzureIdentity {
  tenantId: string
  clientId: string
  clientSecret: string
  /**
   * What Azure RBAC lets this identity do in the registry. ACR silently drops requested actions
   * that are not allowed, so a pull-only identity asking for push gets a pull-only token.
   * @default what `acrRoles` give, or ['pull', 'push', 'delete'] without them
   */
  registryActions?: readonly AcrAction[]
  /**
   * The data-plane roles assigned to this identity on the registry: `AcrPull` pulls, `AcrPush`
   * pushes and pulls, `AcrDelete` deletes. Ignored when `registryActions` is set.
   * @default every registry action
   */
  acrRoles?: readonly AcrRole[]
  /**
   * The ARM actions Azure RBAC gives this identity on the registry, as role definitions name
   * them, `*` matching anything (`Microsoft.ContainerRegistry/registries/scopeMaps/*`). ARM
   * answers any other operation with 403 `AuthorizationFailed`.
   * @default ['*']
   */
  armActions?: readonly string[]
  /**
   * The identity's object id in Entra ID: the `principalId` role assignments name. An ARM role
   * assignment for a principal no identity holds is refused with `PrincipalNotFound`.
   * @default none: role assignments cannot name this identity
   */
  objectId?: string
  /**
   * Where the identity's permissions come from: `'options'` (`armActions`, `acrRoles`,
   * `registryActions`), or `'role-assignments'`: exactly what the role assignments of its
   * `objectId` give at the resource's scope or above it (the actions of their role definitions,
   * built-in or custom), for ARM and for the data plane alike, as Azure RBAC decides.
   * @default 'options'
   */
  permissionsFrom?: 'options' | 'role-assignments'
}

/** A registry the fake holds from the start. */
export interface FakeRegistryInit {
  name: string
  /** @default FAKE_AZURE.subscriptionId */
  subscriptionId?: string
  /** @default FAKE_AZURE.resourceGroup */
  resourceGroup?: string
  /** @default 'Standard' */
  sku?: FakeSku
  /** @default 'eastus' */
  location?: string
  /** ARM tags of the registry. @default {} */
  tags?: Record<string, string>
  /** Whether the registry answers on its public endpoint. @default 'Enabled' */
  publicNetworkAccess?: FakePublicNetworkAccess
  /** The registry's firewall rules; `undefined`: none set. @default undefined */
  networkRuleSet?: FakeNetworkRuleSet | undefined
}

/** A registry init with the defaults of its identity, SKU and location filled in. */
export type FakeRegistrySeed = FakeRegistryInit &
  Required<Pick<FakeRegistryInit, 'subscriptionId' | 'resourceGroup' | 'sku' | 'location'>>

/** ACR's `properties.publicNetworkAccess`. */
export type FakePublicNetworkAccess = 'Enabled' | 'Disabled'

/** ACR's `properties.networkRuleSet`, as the fake stores it. */
export interface FakeNetworkRuleSet {
  defaultAction: 'Allow' | 'Deny'
  ipRules: { action: 'Allow'; value: string }[]
}

/** A registry as the fake stores it. */
export interface FakeRegistry {
  readonly id: string
  readonly subscriptionId: string
  readonly resourceGroup: string
  readonly name: string
  sku: FakeSku
  location: string
  creationDate: Date
  provisioningState: string
  /** Whether the registry's admin user (a username and password for everything) is on. */
  adminUserEnabled: boolean
  /**
   * Whether anyone may pull any repository of the registry without credentials (ACR's anonymous
   * pull, Standard and Premium only): `/oauth2/token` then grants `pull` with no credentials.
   */
  anonymousPullEnabled: boolean
  /** ARM tags. */
  tags: Record<string, string>
  publicNetworkAccess: FakePublicNetworkAccess
  networkRuleSet: FakeNetworkRuleSet | undefined
}

/** A scope map as the fake stores it. */
export interface FakeScopeMap {
  readonly id: string
  readonly name: string
  /** Key of the registry that holds it. */
  readonly registryKey: string
  description: string | undefined
  actions: string[]
  creationDate: Date
  provisioningState: string
}

/** A password of an ACR token, as the fake stores it. */
export interface FakeTokenPassword {
  readonly name: 'password1' | 'password2'
  /** The secret, as `generateCredentials` returned it. */
  readonly value: string
  readonly creationTime: Date
  /** When ACR stops accepting it; `undefined`: never. */
  readonly expiry: Date | undefined
}

/** An ACR token (`registries/tokens`) as the fake stores it. */
export interface FakeToken {
  readonly id: string
  readonly name: string
  /** Key of the registry that holds it. */
  readonly registryKey: string
  /** ARM id of the scope map it is bound to: what it may do. */
  scopeMapId: string
  status: 'enabled' | 'disabled'
  /** At most one per slot (`password1`, `password2`). */
  passwords: FakeTokenPassword[]
  creationDate: Date
  provisioningState: string
}

/** An Azure RBAC role definition as the fake stores it: a built-in one or a custom one. */
export interface FakeRoleDefinition {
  /** `/providers/Microsoft.Authorization/roleDefinitions/{name}` for a built-in role, else `{scope}/providers/…`. */
  readonly id: string
  /** The GUID. */
  readonly name: string
  roleName: string
  description: string
  readonly roleType: 'BuiltInRole' | 'CustomRole'
  /** The (control-plane) actions it allows, `*` matching anything. */
  actions: string[]
  notActions: string[]
  dataActions: string[]
  notDataActions: string[]
  /** Where it may be assigned: its scopes and everything below them (`/` for a built-in role). */
  assignableScopes: string[]
}

/** An Azure RBAC role assignment as the fake stores it. */
export interface FakeRoleAssignment {
  /** `{scope}/providers/Microsoft.Authorization/roleAssignments/{name}`. */
  readonly id: string
  /** The GUID. */
  readonly name: string
  /** The resource id (or subscription, resource group) it applies to, and below. */
  readonly scope: string
  /** The full id of the role definition, as it was given. */
  readonly roleDefinitionId: string
  readonly principalId: string
  readonly principalType: string
  readonly createdOn: Date
}

/** How an injected long-running-operation failure ends. */
export interface FakeOperationFailure {
  /** ARM error code, e.g. `InternalServerError`. */
  code: string
  message: string
  /** HTTP status of the failure where the LRO style reports one (`location`, `immediate`). @default 500 */
  status?: number
}

/**
 * What `inject` takes for a long-running operation that should fail: the operation starts as
 * usual, then ends in `operationFailure`.
 */
export interface OperationFailureFault {
  readonly operationFailure: FakeOperationFailure
}

/** Everything the fake remembers: resources and the tokens it issued. */
export interface AzureFakeState {
  /** Keyed by `{subscription}/{resourceGroup}/{name}`, lower-cased: ARM names ignore case. */
  readonly registries: Map<string, FakeRegistry>
  /** Keyed by `{registry key}/{scope-map name}`, lower-cased. */
  readonly scopeMaps: Map<string, FakeScopeMap>
  /** Keyed by `{registry key}/{token name}`, lower-cased. */
  readonly tokens: Map<string, FakeToken>
  /** Tokens issued by the fake Entra ID and by ACR, so forged or foreign tokens are refused. */
  readonly aadTokens: Map<string, FakeTokenClaims>
  readonly refreshTokens: Map<string, FakeTokenClaims>
  readonly accessTokens: Map<string, FakeTokenClaims>
  /**
   * The Basic credentials `/oauth2/token` accepts (as `Authorization: Basic` on a GET, or the
   * `password` grant of a POST), tried in order: the first grant wins. The fake starts with the
   * null GUID and its own ACR tokens; push a {@link BasicVerifier} for any other kind.
   */
  readonly basicVerifiers: BasicVerifier[]
  /**
   * The registry each login server (`127.0.0.1:{port}`) serves, by state key: what a credential
   * presented there may belong to.
   */
  readonly loginServers: Map<string, string>
  /** Custom role definitions, keyed by their GUID, lower-cased (built-in ones are constants). */
  readonly roleDefinitions: Map<string, FakeRoleDefinition>
  /** Role assignments, keyed by their GUID, lower-cased: a name is unique in the tenant. */
  readonly roleAssignments: Map<string, FakeRoleAssignment>
}

/** Fresh, empty state. */
export function emptyState(): AzureFakeState {
  return {
    registries: new Map(),
    scopeMaps: new Map(),
    tokens: new Map(),
    aadTokens: new Map(),
    refreshTokens: new Map(),
    accessTokens: new Map(),
    basicVerifiers: [],
    loginServers: new Map(),
    roleDefinitions: new Map(),
    roleAssignments: new Map(),
  }
}

/** The ARM id of a registry. */
export function registryId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${name}`
}

/** The state key of a registry. */
export function registryKey(subscriptionId: string, resourceGroup: string, name: string): string {
  return `${subscriptionId}/${resourceGroup}/${name}`.toLowerCase()
}
