import type { Readable, Writable } from 'node:stream'

/** A stream the command writes to; `isTTY` is set by Node on terminals. */
export type OutputStream = Writable & { isTTY?: boolean }

/** The process surroundings a command runs in: its streams and environment. */
export interface CommandIo {
  readonly stdin: Readable
  readonly stdout: OutputStream
  readonly stderr: OutputStream
  readonly env: NodeJS.ProcessEnv
}

/** The real process's streams and environment. */
export function processIo(): CommandIo {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env }
}
