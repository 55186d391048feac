import { parseArgs } from 'node:util'

/** How hard the loads push. */
export interface Settings {
  /** Concurrent clients putting 8 MiB nested manifests. */
  nestedClients: number
  nestedRounds: number
  sessionsPerCredential: number
  stalledPerCredential: number
  tricklingPerCredential: number
  idleConnections: number
}

/** The settings from the command line (`--nested-clients`, `--nested-rounds`, `--sessions`, `--idle`). */
export function readSettings(): Settings {
  const { values } = parseArgs({
    options: {
      'nested-clients': { type: 'string', default: '32' },
      'nested-rounds': { type: 'string', default: '6' },
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
    nestedClients: int('nested-clients', values['nested-clients'], 1, 64),
    nestedRounds: int('nested-rounds', values['nested-rounds'], 1, 50),
    sessionsPerCredential: int('sessions', values.sessions, 1, 1250),
    stalledPerCredential: 30,
    tricklingPerCredential: 6,
    idleConnections: int('idle', values.idle, 0, 5000),
  }
}
