import type { RecordedRequest } from '@artifact-registry/testing/fakes'
import {
  type AzureFake,
  type AzureFakeOptions,
  type AzureFakeState,
  FAKE_AZURE,
  type FakeAzureIdentity,
} from '@artifact-registry/testing/fakes/azure'
import { ClientSecretCredential } from '@azure/identity'
import type { AzureDeprovisionOptions, AzureProvisionOptions } from '../src/provision/index.js'
import { managedTags } from '../src/provision/ownership.js'
import { fakeCredential, startStrictAzureFake } from './fixtures.js'

/** The registry provisioning makes in these tests. */
export const REGISTRY_NAME = 'acmeprovisioned'
/** {@link REGISTRY_NAME} as provisioning made it for a binding without a prefix: its tags say so. */
export const PROVISIONED_REGISTRY = { name: REGISTRY_NAME, tags: managedTags(undefined) }

/** Its ARM id: the scope of the runtime principal's role assignments. */
export const REGISTRY_ID = `/subscriptions/${FAKE_AZURE.subscriptionId}/resourceGroups/${FAKE_AZURE.resourceGroup}/providers/Microsoft.ContainerRegistry/registries/${REGISTRY_NAME}`

/**
 * The runtime's identity: it may do exactly what role assignments give its object id, so what
 * provisioning assigns is all the runtime provider has.
 */
export const RUNTIME: Required<Pick<FakeAzureIdentity, 'objectId'>> & FakeAzureIdentity = {
  tenantId: FAKE_AZURE.tenantId,
  clientId: 'a11ce000-0000-4000-8000-00000000a11c',
  clientSecret: 'runtime-secret',
  objectId: '0b1ec700-0000-4000-8000-0000000000b1',
  permissionsFrom: 'role-assignments',
}

/**
 * The fake with two identities: the provisioning one (the fake's own, allowed everything unless
 * `provisioner` narrows it) and {@link RUNTIME}; no registry until provisioning makes one. As
 * strict as a registry that refuses ARM-audience tokens at the token exchange.
 */
export function startProvisionFake(
  options: AzureFakeOptions & { provisioner?: Partial<FakeAzureIdentity> } = {},
): Promise<AzureFake> {
  const { tenantId, clientId, clientSecret } = FAKE_AZURE
  const provisioner = { tenantId, clientId, clientSecret, ...options.provisioner }
  return startStrictAzureFake({ registries: [], identities: [provisioner, RUNTIME], ...options })
}

/** Provisioning options that reach the fake, as the provisioning identity, polling fast. */
export function provisionOptions(
  fake: AzureFake,
  overrides: Partial<AzureProvisionOptions> = {},
): AzureProvisionOptions {
  return {
    subscriptionId: FAKE_AZURE.subscriptionId,
    resourceGroup: FAKE_AZURE.resourceGroup,
    registryName: REGISTRY_NAME,
    location: 'eastus',
    sku: 'Standard',
    runtimePrincipalId: RUNTIME.objectId,
    credential: fakeCredential(fake),
    clientOptions: { endpoint: fake.url },
    trustedCa: fake.ca,
    pollIntervalMs: 1,
    ...overrides,
  }
}

/** {@link provisionOptions} for `deprovision`: without `location` and `sku`, which it does not need. */
export function deprovisionOptions(
  fake: AzureFake,
  overrides: Partial<AzureDeprovisionOptions> = {},
): AzureDeprovisionOptions {
  const { location, sku, ...options } = provisionOptions(fake)
  return { ...options, ...overrides }
}

/** A real ClientSecretCredential of {@link RUNTIME} at the fake's Entra ID. */
export function runtimeCredential(fake: AzureFake): ClientSecretCredential {
  return new ClientSecretCredential(
    RUNTIME.tenantId,
    RUNTIME.clientId,
    RUNTIME.clientSecret,
    fake.credentialOptions,
  )
}

/** The {@link summary} of a first provision's changes: the registry, the role, three assignments. */
export const CREATED_FROM_NOTHING: readonly string[] = [
  'create container-registry',
  'create role-definition',
  'create role-assignment',
  'create role-assignment',
  'create role-assignment',
]

/** The changes of a `deprovision` that deletes everything provisioning made, in its order. */
export const DELETED_EVERYTHING: readonly string[] = [
  'delete role-assignment',
  'delete role-assignment',
  'delete role-assignment',
  'delete role-definition',
  'delete container-registry',
]

/** `action kind` of each change, for compact assertions. */
export function summary(changes: readonly { action: string; kind: string }[]): string[] {
  return changes.map((c) => `${c.action} ${c.kind}`)
}

/**
 * Requests that are POSTs but read: Entra ID's and ACR's token requests (the catalog's token) and
 * ARM's registry-name check.
 */
const READS_BY_POST = /^(?:entra\.|acr\.(?:exchange|token)$|registries\.checkNameAvailability$)/

/** The requests that may change something. */
export function writes(requests: readonly RecordedRequest[]): RecordedRequest[] {
  return requests.filter((r) => r.method !== 'GET' && !READS_BY_POST.test(r.operation))
}

/** A role assignment as the fake stores it. */
type FakeAssignment = NonNullable<ReturnType<AzureFakeState['roleAssignments']['get']>>

/** The fake's role assignments of the runtime principal. */
export function runtimeAssignments(fake: AzureFake): FakeAssignment[] {
  return [...fake.state.roleAssignments.values()].filter((a) => a.principalId === RUNTIME.objectId)
}

/**
 * A role assignment of the runtime principal at the registry, made by someone else (by hand, by
 * Terraform): its name is not one provisioning derives.
 */
export function foreignAssignment(roleDefinitionId: string): FakeAssignment {
  const name = '0f0f0f0f-0000-4000-8000-000000000001'
  return {
    id: `${REGISTRY_ID}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    scope: REGISTRY_ID,
    roleDefinitionId,
    principalId: RUNTIME.objectId,
    principalType: 'ServicePrincipal',
    createdOn: new Date(),
  }
}
