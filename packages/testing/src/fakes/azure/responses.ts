import type { FakeRequest, FakeResponse } from '../fake-server.js'

/**
 * An ARM error response, `{ error: { code, message } }`, which the Azure SDK turns into a
 * `RestError` with `statusCode` and `code`.
 *
 * @example
 * ```ts
 * fake.inject('scopeMaps.get', armError(404, 'ResourceNotFound', 'gone'))
 * ```
 */
export function armError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): FakeResponse {
  return { status, headers, body: { error: { code, message } } }
}

/**
 * An ACR data-plane error response, `{ errors: [{ code, message, detail }] }` (the shape of the
 * registry's `/oauth2/*` and `/acr/v1/*` endpoints).
 */
export function acrError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): FakeResponse {
  return { status, headers, body: { errors: [{ code, message, detail: null }] } }
}

/**
 * @internal ARM's 404 for a registry, or for a child of it such as `/scopeMaps/{name}`, that does not
 * exist.
 */
export function resourceNotFound(
  path: { readonly registryName: string; readonly resourceGroup: string },
  child = '',
): FakeResponse {
  return armError(
    404,
    'ResourceNotFound',
    `The Resource 'Microsoft.ContainerRegistry/registries/${path.registryName}${child}' under resource group '${path.resourceGroup}' was not found.`,
  )
}

/** A JSON answer. */
export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): FakeResponse {
  return { status, headers, body }
}

/** The fields of an `application/x-www-form-urlencoded` body. */
export function formOf(request: FakeRequest): URLSearchParams {
  return new URLSearchParams(request.body)
}

/** The token of an `Authorization: Bearer …` header, if any. */
export function bearerOf(request: FakeRequest): string | undefined {
  const header = request.headers.authorization
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null
  return match?.[1]
}

/** `https://{host}` of the request, for URLs the fake hands back (LRO status, token endpoints). */
export function originOf(request: FakeRequest): string {
  return `https://${request.headers.host ?? '127.0.0.1'}`
}

/** A JSON request body, or `undefined` when it is not JSON. */
export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body)
  } catch {
    return undefined
  }
}
