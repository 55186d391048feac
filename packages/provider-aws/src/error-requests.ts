/** A step of the SDK's middleware stack: what a middleware wraps, and what it returns. */
type Handler = (args: unknown) => Promise<unknown>
type Middleware = (next: Handler) => Handler
interface MiddlewareOptions {
  step: 'initialize'
  name: string
  override: boolean
}

/**
 * What {@link withoutRequestsInErrors} needs of an SDK client (ECR, STS, IAM): its middleware
 * stack, whose `add` each client types for its own commands' input and output.
 */
export interface MiddlewareClient {
  readonly middlewareStack: { add(...args: never[]): void }
}

// Deep enough for the SDK's own wrapping (a timeout or a network error wraps the socket's).
const MAX_DEPTH = 5

/**
 * @internal Make every error `client` throws forget the HTTP request it answered; returns `client`.
 * The SDK keeps the answer on its errors (the hidden `$response`), and the answer's body is the
 * Node response whose `req` is the request as sent: its headers hold the signer's session token
 * and a signature AWS accepts again for minutes (to `AssumeRole` or `GetAuthorizationToken` once
 * more, as the provider's identity). The error becomes the `cause` of an `ArtifactRegistryError`,
 * which applications log and error reporters read in depth, so the body goes; the status and the
 * answer's headers stay (the SDK's retries read `retry-after` there).
 */
export function withoutRequestsInErrors<C extends MiddlewareClient>(client: C): C {
  // The middleware passes every input and output through untouched, whatever their types.
  const add = client.middlewareStack.add.bind(client.middlewareStack) as (
    middleware: Middleware,
    options: MiddlewareOptions,
  ) => void
  add(
    (next) => async (args) => {
      try {
        return await next(args)
      } catch (err) {
        forgetRequests(err)
        throw err
      }
    },
    // The first step: it sees the error once the SDK's retries are done with it.
    { step: 'initialize', name: 'artifactRegistryWithoutRequestsInErrors', override: true },
  )
  return client
}

// --- Internal ---

interface ErrorLike {
  readonly $response?: { body?: unknown }
  readonly cause?: unknown
}

function forgetRequests(err: unknown): void {
  let link = err as ErrorLike | undefined
  for (let depth = 0; link !== null && typeof link === 'object' && depth < MAX_DEPTH; depth++) {
    const response = link.$response
    // `$response` itself cannot be redefined (the SDK makes it read-only), but the answer can.
    if (response !== null && typeof response === 'object' && 'body' in response) {
      response.body = undefined
    }
    link = link.cause as ErrorLike | undefined
  }
}
