import { connect, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { call } from './client.js'
import { head } from './raw-http.js'

/** Settings of the upload-exhaustion load. */
export interface ExhaustionSettings {
  url: string
  port: number
  /** Push credentials, each of its own repository. */
  credentials: readonly { authorization: string; repository: string }[]
  /** Upload sessions each credential opens (more than the per-credential cap, to meet it). */
  sessionsPerCredential: number
  /** PATCHes per credential that announce 16 MiB, send 4 KiB, then stall. */
  stalledPerCredential: number
  /** PATCHes per credential that send 10 bytes a second. */
  tricklingPerCredential: number
  /** Connections that never send a request line. */
  idleConnections: number
  /** How long opening the sessions may take. */
  sessionsDeadlineMs: number
  /** How long the stalled, trickling and idle connections are held, from when they open. */
  holdMs: number
}

/** How the registry answered, by kind of attack and status. */
export interface ExhaustionResult {
  sessions: Record<string, number>
  stalled: Record<string, number>
  idle: Record<string, number>
}

/**
 * Thousands of upload sessions opened and left, then PATCHes that stall or trickle and
 * connections that say nothing, all at once, until the registry has answered or cut every one
 * of them or the deadline passes (then the probe closes what is left).
 */
export async function uploadExhaustion(settings: ExhaustionSettings): Promise<ExhaustionResult> {
  const deadline = Date.now() + settings.sessionsDeadlineMs
  const sessions: Record<string, number> = {}
  const locations = new Map<string, string[]>()
  await Promise.all(
    settings.credentials.map(async ({ authorization, repository }) => {
      const mine: string[] = []
      locations.set(authorization, mine)
      let next = 0
      const opener = async (): Promise<void> => {
        while (next < settings.sessionsPerCredential && Date.now() < deadline) {
          next += 1
          const res = await call(`${settings.url}/v2/${repository}/blobs/uploads/`, {
            method: 'POST',
            headers: { authorization },
          })
          await res.arrayBuffer()
          sessions[res.status] = (sessions[res.status] ?? 0) + 1
          const location = res.headers.get('location')
          if (res.status === 202 && location !== null)
            mine.push(new URL(location, settings.url).pathname)
        }
      }
      await Promise.all(Array.from({ length: 8 }, opener))
    }),
  )
  const stalled: Record<string, number> = {}
  const idle: Record<string, number> = {}
  const holdUntil = Date.now() + settings.holdMs
  const held: Promise<void>[] = []
  for (const { authorization } of settings.credentials) {
    const mine = locations.get(authorization) ?? []
    const count = settings.stalledPerCredential + settings.tricklingPerCredential
    for (let i = 0; i < count && i < mine.length; i++) {
      const location = mine[i] ?? ''
      const trickle = i >= settings.stalledPerCredential
      held.push(
        hold(settings.port, holdUntil, stalled, (socket) => {
          socket.write(
            head('PATCH', location, settings.port, {
              Authorization: authorization,
              'Content-Type': 'application/octet-stream',
              'Content-Length': String(16 * 1024 * 1024),
            }),
          )
          if (!trickle) {
            socket.write(Buffer.alloc(4096, 1))
            return undefined
          }
          const timer = setInterval(() => socket.write(Buffer.alloc(10, 2)), 1000)
          return () => clearInterval(timer)
        }),
      )
    }
  }
  for (let i = 0; i < settings.idleConnections; i++)
    held.push(hold(settings.port, holdUntil, idle, () => undefined))
  await Promise.all(held)
  return { sessions, stalled, idle }
}

// One connection held open as `start` sets it up, until the registry answers or closes it, or
// the deadline; the outcome counted in `into`.
async function hold(
  port: number,
  deadline: number,
  into: Record<string, number>,
  start: (socket: Socket) => (() => void) | undefined,
): Promise<void> {
  const socket = connect({ host: '127.0.0.1', port })
  let stop: (() => void) | undefined
  const outcome = await new Promise<string>((resolve) => {
    const timer = setTimeout(
      () => resolve('still open at the deadline'),
      Math.max(0, deadline - Date.now()),
    )
    const done = (what: string): void => {
      clearTimeout(timer)
      resolve(what)
    }
    socket.once('connect', () => {
      stop = start(socket)
    })
    socket.once('data', (chunk: Buffer) => {
      done(chunk.toString('latin1').match(/^HTTP\/1\.1 (\d{3})/)?.[1] ?? 'garbled answer')
    })
    socket.once('error', () => done('closed without an answer'))
    socket.once('close', () => done('closed without an answer'))
  })
  stop?.()
  socket.destroy()
  into[outcome] = (into[outcome] ?? 0) + 1
  await sleep(0)
}
