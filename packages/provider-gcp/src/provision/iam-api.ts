import type { AuthClient } from 'google-auth-library'
import { mapError } from '../map-error.js'

/**
 * @internal The IAM v1 REST API as provisioning calls it: through the provisioning identity's
 * authenticated `request` (google-auth-library), as the runtime calls IAM Credentials, since no
 * IAM SDK is installed. Every call carries the run's signal.
 */
export interface IamApi {
  readonly source: Pick<AuthClient, 'request'>
  /** Base URL, e.g. `https://iam.googleapis.com`. */
  readonly endpoint: string
  readonly signal: AbortSignal | undefined
}

/** @internal One IAM call. */
export interface IamCall {
  readonly method: 'GET' | 'POST' | 'DELETE'
  /** Under `/v1/`, e.g. `projects/p/serviceAccounts`. */
  readonly path: string
  readonly params?: Record<string, string | number>
  readonly data?: unknown
  /** The method's name, for error messages: `serviceAccounts.create`. */
  readonly operation: string
  /** The resource, for error messages. */
  readonly resource: string
}

/**
 * @internal Call IAM and return the response body.
 * @throws the signal's reason once the run is cancelled; otherwise the mapped
 *   `ArtifactRegistryError`, Google's status and message in it.
 */
export async function callIam<T>(api: IamApi, call: IamCall): Promise<T> {
  try {
    return await requestIam<T>(api, call)
  } catch (err) {
    throw mapError(err, { operation: call.operation, resource: call.resource })
  }
}

/**
 * @internal {@link callIam}, throwing the client's error as it is (for the policy
 * read-modify-write, which tells a stale etag by it).
 * @throws the signal's reason once the run is cancelled; otherwise google-auth-library's error.
 */
export async function requestIam<T>(api: IamApi, call: IamCall): Promise<T> {
  // Never start a request on a cancelled run (gaxios would still open it).
  api.signal?.throwIfAborted()
  try {
    const response = await api.source.request<T>({
      url: `${api.endpoint}/v1/${call.path}`,
      method: call.method,
      ...(call.params === undefined ? {} : { params: call.params }),
      ...(call.data === undefined ? {} : { data: call.data }),
      ...(api.signal === undefined ? {} : { signal: api.signal }),
    })
    return response.data
  } catch (err) {
    api.signal?.throwIfAborted()
    throw err
  }
}

/** @internal A service account's resource name: `projects/{project}/serviceAccounts/{email}`. */
export function serviceAccountName(projectId: string, email: string): string {
  return `projects/${projectId}/serviceAccounts/${email}`
}

/** @internal {@link serviceAccountName} as a URL path, the email encoded as one segment. */
export function serviceAccountPath(projectId: string, email: string): string {
  return serviceAccountName(projectId, encodeURIComponent(email))
}
