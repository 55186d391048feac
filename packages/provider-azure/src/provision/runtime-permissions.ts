import type { AzureCredentialsMode } from '../credentials-mode.js'

/** A built-in data-plane role of ACR that the runtime may need. */
export type DataPlaneRole = 'AcrPush' | 'AcrDelete'

/** What the runtime identity needs on the registry in one credentials mode. */
export interface RuntimePermissions {
  /** ARM actions: no built-in role holds exactly these, so provisioning defines a custom role. */
  readonly armActions: readonly string[]
  /** Built-in data-plane roles, assigned as they are. */
  readonly dataPlaneRoles: readonly DataPlaneRole[]
}

/**
 * The ids of the built-in roles, from Microsoft's "Azure built-in roles for Containers": the same
 * in every tenant and cloud.
 */
export const BUILT_IN_ROLE_IDS: Readonly<Record<DataPlaneRole, string>> = {
  AcrPush: '8311e382-0749-4cb8-b61a-304f252e45ec',
  AcrDelete: 'c2f4ef07-c644-48eb-af81-4b1b4947fb11',
}

const SCOPE_MAPS = [
  'Microsoft.ContainerRegistry/registries/scopeMaps/read',
  'Microsoft.ContainerRegistry/registries/scopeMaps/write',
  'Microsoft.ContainerRegistry/registries/scopeMaps/delete',
]

/**
 * Exactly what the README's "Azure roles" table lists per mode (a test holds the two together):
 * scope maps in both modes, tokens and their passwords in `repository-token` mode; `AcrPush` and
 * `AcrDelete` for credentials that push and delete in `aad-exchange` mode, `AcrDelete` alone for
 * `deleteRepository` in `repository-token` mode (ACR checks such credentials against the token's
 * scope map, not the identity's roles).
 */
export const RUNTIME_PERMISSIONS: Readonly<Record<AzureCredentialsMode, RuntimePermissions>> = {
  'aad-exchange': { armActions: SCOPE_MAPS, dataPlaneRoles: ['AcrPush', 'AcrDelete'] },
  'repository-token': {
    armActions: [
      ...SCOPE_MAPS,
      'Microsoft.ContainerRegistry/registries/tokens/read',
      'Microsoft.ContainerRegistry/registries/tokens/write',
      'Microsoft.ContainerRegistry/registries/tokens/delete',
      'Microsoft.ContainerRegistry/registries/generateCredentials/action',
    ],
    dataPlaneRoles: ['AcrDelete'],
  },
}
