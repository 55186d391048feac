import type { FakeRequest, FakeResponse } from '../fake-server.js'
import { armError, json, parseJson } from './responses.js'
import type { AzureFakeState } from './state.js'

const PATH =
  /^\/subscriptions\/[^/]+\/providers\/Microsoft\.ContainerRegistry\/checkNameAvailability$/i
const REGISTRY_NAME = /^[A-Za-z0-9]{5,50}$/

/** `registries.checkNameAvailability` for `POST …/checkNameAvailability`, else `undefined`. */
export function nameAvailabilityOperation(request: FakeRequest): string | undefined {
  return request.method === 'POST' && PATH.test(request.url.pathname)
    ? 'registries.checkNameAvailability'
    : undefined
}

/**
 * `registries.checkNameAvailability`: whether a registry may take a name, as its DNS name must be
 * unique across every subscription. A read: it changes nothing. `nameAvailable: false` with
 * `reason` `Invalid` (not 5-50 letters and digits) or `AlreadyExists` (any registry, in any case).
 */
export function nameAvailabilityRoute(request: FakeRequest, state: AzureFakeState): FakeResponse {
  const body = parseJson(request.body) as { name?: unknown; type?: unknown } | undefined
  if (typeof body?.name !== 'string' || body.type !== 'Microsoft.ContainerRegistry/registries') {
    return armError(
      400,
      'InvalidRequestContent',
      "name and type 'Microsoft.ContainerRegistry/registries' are required",
    )
  }
  const { name } = body
  if (!REGISTRY_NAME.test(name)) {
    return json(200, {
      nameAvailable: false,
      reason: 'Invalid',
      message: 'The specified resource name is invalid: 5-50 alphanumeric characters.',
    })
  }
  const taken = [...state.registries.values()].some(
    (r) => r.name.toLowerCase() === name.toLowerCase(),
  )
  if (!taken) return json(200, { nameAvailable: true })
  return json(200, {
    nameAvailable: false,
    reason: 'AlreadyExists',
    message: `The registry ${name} is already in use.`,
  })
}
