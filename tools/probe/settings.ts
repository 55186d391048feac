import { parseArgs } from 'node:util'

/** How hard the loads push. */
export interface Settings {
  /** Concurrent clients of each manifest flood. */
  floodClients: number
  /** How long each manifest flood lasts. */
  floodSeconds: number
  sessionsPerCredential: number
  stalledPerCredential: number
  tricklingPerCredential: number
  idleConnections: number
}

/** The settings from the command line (`--flood-clients`, `--flood-seconds`, `--sessions`, `--idle`). */
export function readSettings(): Settings {
  const { values } = parseArgs({
    options: {
      'flood-clients': { type: 'string', default: '32' },
      'flood-seconds': { type: 'string', default: '10' },
      sessions: { type: 'string', default: '1100' },
      idle: { type: 'string', default: '1000' },
    },
  })
  const int = (name: string, value: string, min: number, max: number): number => {
    const n = Number(value)
    if (!Number.isInteger(n) || n < min || n > max)
      throw new Error(`--${name} must be an integer from ${min} to ${max}, got ${value}`)
    return n
  }
  return {
    floodClients: int('flood-clients', values['flood-clients'], 1, 64),
    floodSeconds: int('flood-seconds', values['flood-seconds'], 1, 120),
    sessionsPerCredential: int('sessions', values.sessions, 1, 1250),
    stalledPerCredential: 30,
    tricklingPerCredential: 6,
    idleConnections: int('idle', values.idle, 0, 5000),
  }
}
