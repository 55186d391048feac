import type { FakeResponse } from '../fake-server.js'
import type { ArmContext, ArmPath } from './arm.js'
import type { FakeLroOperation } from './lro.js'
import { json } from './responses.js'

/** A resource ARM provisions: registries and scope maps. */
interface Provisioned {
  provisioningState: string
}

/** A long-running PUT or PATCH, for {@link startPut}. */
export interface PutSpec {
  readonly operation: FakeLroOperation & (`${string}.create` | `${string}.update`)
  readonly path: ArmPath
  /** The resource as stored, already holding the new settings. */
  readonly resource: Provisioned
  /** The Azure region of the resource, part of its operation URLs. */
  readonly location: string
  /** Whether this PUT creates the resource (201) rather than updates it (200). */
  readonly isNew: boolean
  /** The ARM body of the resource, as it is at the time. */
  readonly body: () => unknown
  /** Takes a new resource out of the state again when its creation fails. */
  readonly discard: () => void
}

/** A long-running DELETE, for {@link startDelete}. */
export interface DeleteSpec {
  readonly operation: FakeLroOperation & `${string}.delete`
  readonly path: ArmPath
  /** The resource as stored. */
  readonly resource: Provisioned
  /** The Azure region of the resource, part of its operation URLs. */
  readonly location: string
  /** Takes the resource (and what it holds) out of the state. */
  readonly remove: () => void
}

/**
 * Start a create or update as ARM runs it: `Creating`/`Updating` until the operation finishes,
 * then `Succeeded`. A failed creation leaves nothing behind; a failed update leaves `Failed`.
 */
export function startPut(ctx: ArmContext, put: PutSpec): FakeResponse {
  const { resource, isNew } = put
  resource.provisioningState = isNew ? 'Creating' : 'Updating'
  const status = isNew ? 201 : 200
  return ctx.lro.start({
    operation: put.operation,
    subscriptionUrl: put.path.subscriptionUrl,
    location: put.location,
    initialStatus: status,
    initialBody: put.body(),
    complete: () => {
      resource.provisioningState = 'Succeeded'
    },
    abort: () => {
      if (isNew) put.discard()
      else resource.provisioningState = 'Failed'
    },
    result: () => json(status, put.body()),
  })
}

/**
 * Start a delete as ARM runs it: `Deleting` until the operation finishes, then gone. A failed
 * delete leaves the resource as it was.
 */
export function startDelete(ctx: ArmContext, del: DeleteSpec): FakeResponse {
  const { resource } = del
  resource.provisioningState = 'Deleting'
  return ctx.lro.start({
    operation: del.operation,
    subscriptionUrl: del.path.subscriptionUrl,
    location: del.location,
    initialStatus: 202,
    complete: del.remove,
    abort: () => {
      resource.provisioningState = 'Succeeded'
    },
    result: () => ({ status: 204 }),
  })
}
