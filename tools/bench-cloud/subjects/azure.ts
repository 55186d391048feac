import { type AzureCredentialsMode, azure } from '@artifact-registry/provider-azure'
import type { RecordedRequest } from '@artifact-registry/testing/fakes'
import { startAzureFake } from '@artifact-registry/testing/fakes/azure'
import { LogCursor, type Subject } from '../subject.js'

/**
 * provider-azure in one credentials mode, against the Azure fake (as strict as a registry that
 * refuses ARM-audience tokens at its token exchange): the Entra ID, ARM and ACR calls of its
 * request log. Azure has no cross-account grants.
 */
export async function azureSubject(mode: AzureCredentialsMode): Promise<Subject> {
  const fake = await startAzureFake({ armAudienceTokens: false })
  const cursor = new LogCursor(() => fake.requests, label)
  return {
    column: `azure (${mode})`,
    access: undefined,
    open: () =>
      azure({
        repositoryPrefix: 'team-a',
        credentials: mode,
        ...fake.providerOptions(),
        pollIntervalMs: 1,
      }),
    take: async () => cursor.take(),
    [Symbol.asyncDispose]: () => fake.close(),
  }
}

/**
 * `entra:…`, `acr:…` (the login server's own endpoints) or `arm:…`, as the fake names them. An
 * Entra ID token names the API it is for, since the provider needs one per audience.
 */
function label(request: RecordedRequest): string {
  const [service, ...rest] = request.operation.split('.')
  const operation = rest.join('.')
  if (service === 'entra' && operation === 'token') return `entra:token(${audienceOf(request)})`
  if (service === 'entra' || service === 'acr') return `${service}:${operation}`
  return `arm:${request.operation}`
}

/** The host of the `.default` scope asked for, e.g. `management.azure.com`. */
function audienceOf(request: RecordedRequest): string {
  const scope = new URLSearchParams(request.body).get('scope') ?? ''
  const resource = scope.split(' ').find((s) => s.endsWith('/.default')) ?? scope
  try {
    return new URL(resource).host
  } catch {
    return resource
  }
}
