import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { type InjectOptions, OperationQueues } from './operation-queues.js'

/** A request as the fake saw it, for assertions on what a client sent. */
export interface RecordedRequest {
  /** Protocol-level operation name, e.g. `CreateRepository`, `AssumeRole`, `setIamPolicy`. */
  readonly operation: string
  readonly method: string
  /** Path and query. */
  readonly url: string
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  readonly body: string
  readonly time: Date
}

/** A response the fake sends. */
export interface FakeResponse {
  status: number
  headers?: Record<string, string>
  /** A string or Buffer is sent as is; anything else as JSON. */
  body?: unknown
}

/**
 * An action run just before the fake handles a request, which it then answers as usual: e.g. a
 * concurrent writer changing state between a client's read and its write.
 */
export interface BeforeOperation {
  readonly before: () => void | Promise<void>
}

/** What `inject` puts in front of an operation: a response sent instead, or an action run first. */
export type InjectedAnswer = FakeResponse | BeforeOperation

/** A request handed to a fake's router, with its body already read. */
export interface FakeRequest {
  readonly method: string
  readonly url: URL
  readonly headers: IncomingMessage['headers']
  readonly body: string
}

/** Options of {@link startFakeServer}. */
export interface FakeServerOptions {
  /** Name used in error bodies and logs. */
  name: string
  /** Serve HTTPS with this key and certificate (PEM) instead of HTTP. */
  tls?: { key: string; cert: string }
  /** Names the operation of a request (used by the log and by fault injection). */
  operationOf: (request: FakeRequest) => string
  /** Answers a request no injected response took. */
  route: (request: FakeRequest) => FakeResponse | Promise<FakeResponse>
  /** Requests answered by streaming instead of by `route` (a registry's blobs, say). */
  streamed?: StreamedRoute
}

/**
 * Requests a fake answers as streams: their bodies are not read into memory first, so blobs of
 * any size pass through. They are logged (with an empty `body`), and an injected response or
 * `before` action applies to them as to any operation.
 */
export interface StreamedRoute {
  /** The operation of a request this route answers; `undefined` leaves the request to `route`. */
  operationOf: (method: string, url: URL) => string | undefined
  /** Answer the request, whose body has not been read. */
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>
}

/** A running fake: its URL, request log and fault injection. */
export interface FakeServer extends AsyncDisposable {
  /** The fake's name, as its error bodies and messages say it, e.g. `aws-fake`. */
  readonly name: string
  /** `http(s)://127.0.0.1:<port>` */
  readonly url: string
  readonly port: number
  /** Every request received, oldest first. */
  readonly requests: readonly RecordedRequest[]
  /** Requests of one operation. */
  requestsFor(operation: string): RecordedRequest[]
  /**
   * Answer the next `options.times` requests of `operation` (default 1) with a response instead
   * of the real handler, or run an action before the real handler. Injections of one operation
   * apply in the order they were made.
   * @throws TypeError for an answer that is neither, or `times` that is not a positive integer
   * or `Infinity`.
   */
  inject(operation: string, answer: InjectedAnswer, options?: InjectOptions): void
  /** Forget injected answers and the request log. */
  reset(): void
  close(): Promise<void>
}

/**
 * Start a fake cloud endpoint on 127.0.0.1 (a free port). The protocol-specific fakes build on
 * it: they name operations, keep state and render their platform's error bodies.
 */
export async function startFakeServer(options: FakeServerOptions): Promise<FakeServer> {
  const requests: RecordedRequest[] = []
  const injected = new OperationQueues<InjectedAnswer>(options.name)

  const handleStreamed = async (
    req: IncomingMessage,
    res: ServerResponse,
    operation: string,
    streamed: StreamedRoute,
  ): Promise<void> => {
    requests.push({
      operation,
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body: '',
      time: new Date(),
    })
    const answer = injected.take(operation)
    if (answer === undefined || isBeforeOperation(answer)) {
      await answer?.before()
      await streamed.handle(req, res)
      return
    }
    req.resume()
    send(res, answer)
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const { streamed } = options
    const target = new URL(req.url ?? '/', 'http://127.0.0.1')
    const streamedOperation = streamed?.operationOf(req.method ?? 'GET', target)
    if (streamed !== undefined && streamedOperation !== undefined) {
      await handleStreamed(req, res, streamedOperation, streamed)
      return
    }
    const body = await readBody(req)
    const request: FakeRequest = {
      method: req.method ?? 'GET',
      url: target,
      headers: req.headers,
      body,
    }
    const operation = options.operationOf(request)
    requests.push({
      operation,
      method: request.method,
      url: req.url ?? '/',
      headers: req.headers,
      body,
      time: new Date(),
    })
    const answer = injected.take(operation)
    if (answer !== undefined && isBeforeOperation(answer)) await answer.before()
    const response =
      answer === undefined || isBeforeOperation(answer) ? await options.route(request) : answer
    send(res, response)
  }
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((err: unknown) => {
      // A streamed answer may fail after its headers went out: then only the connection can end.
      if (res.headersSent) res.destroy(err instanceof Error ? err : undefined)
      else send(res, { status: 500, body: { message: `[${options.name}] ${String(err)}` } })
    })
  }
  const server = options.tls
    ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }, listener)
    : createHttpServer(listener)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const close = async (): Promise<void> => {
    if (!server.listening) return
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  return {
    name: options.name,
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    requestsFor: (operation) => requests.filter((r) => r.operation === operation),
    inject(operation, answer, injectOptions) {
      injected.add(operation, checkedAnswer(options.name, answer), injectOptions)
    },
    reset() {
      injected.clear()
      requests.length = 0
    },
    close,
    [Symbol.asyncDispose]: close,
  }
}

// --- Internal ---

function isBeforeOperation(answer: InjectedAnswer): answer is BeforeOperation {
  return 'before' in answer
}

function checkedAnswer(name: string, answer: unknown): InjectedAnswer {
  const candidate = (typeof answer === 'object' && answer !== null ? answer : {}) as Record<
    string,
    unknown
  >
  if (typeof candidate.before === 'function') return answer as BeforeOperation
  if (Number.isInteger(candidate.status) && !('before' in candidate)) return answer as FakeResponse
  throw new TypeError(
    `[${name}] inject takes a response ({ status, headers?, body? }) or { before: () => … }, got ${String(answer)}`,
  )
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function send(res: ServerResponse, response: FakeResponse): void {
  const isRaw = typeof response.body === 'string' || Buffer.isBuffer(response.body)
  const payload =
    response.body === undefined
      ? ''
      : isRaw
        ? (response.body as string | Buffer)
        : JSON.stringify(response.body)
  const headers: Record<string, string> = { ...response.headers }
  if (!isRaw && response.body !== undefined && headers['content-type'] === undefined) {
    headers['content-type'] = 'application/json'
  }
  res.writeHead(response.status, {
    ...headers,
    'content-length': String(Buffer.byteLength(payload)),
  })
  res.end(payload)
}
