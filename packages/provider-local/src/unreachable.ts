import type { Fetch } from './trusting-fetch.js'

/** A request that got no HTTP answer at all: where it went, and the network error. */
export class RegistryUnreachableError extends Error {
  override readonly name = 'RegistryUnreachableError'
  /** Scheme, host and port the request was sent to. */
  readonly origin: string
  /** The network error's code (`ECONNREFUSED`, `ERR_SSL_WRONG_VERSION_NUMBER`, …), when it has one. */
  readonly networkCode: string | undefined

  constructor(origin: string, cause: unknown) {
    const networkCode = (cause as { code?: unknown } | undefined)?.code
    super(`no answer from ${origin}`, { cause })
    this.origin = origin
    this.networkCode = typeof networkCode === 'string' ? networkCode : undefined
  }
}

/**
 * `fetch`, but a failure to get any answer rejects with {@link RegistryUnreachableError}
 * naming where the request went: `fetch` itself says only "fetch failed", and its cause names
 * no URL.
 */
export function namingUnreachable(send: Fetch): Fetch {
  return async (url, init) => {
    try {
      return await send(url, init)
    } catch (error) {
      if (!isNetworkFailure(error)) throw error
      throw new RegistryUnreachableError(originOf(url), error.cause)
    }
  }
}

// --- Internal ---

// How both the global fetch and fetchTrusting report a request that got no answer.
function isNetworkFailure(error: unknown): error is TypeError & { cause: unknown } {
  return error instanceof TypeError && error.message === 'fetch failed'
}

function originOf(url: string | URL): string {
  try {
    return new URL(url).origin
  } catch {
    return String(url)
  }
}
