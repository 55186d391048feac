import type { CommandIo } from './io.js'

/**
 * Where a command's output goes: the result on stdout (JSON with `--json`, else text for people,
 * never coloured), progress on stderr only when stderr is a terminal, so logs and pipes stay clean.
 */
export class Terminal {
  readonly io: CommandIo
  /** `--json`: results are one JSON document on stdout. */
  readonly json: boolean

  constructor(io: CommandIo, json: boolean) {
    this.io = io
    this.json = json
  }

  /** Print a command's result: `value` as JSON with `--json`, else what `human()` returns. */
  result(value: unknown, human: () => string): void {
    const text = this.json ? JSON.stringify(value, null, 2) : human()
    if (text !== '') this.io.stdout.write(`${text}\n`)
  }

  /** A progress line on stderr, only when stderr is a terminal. */
  progress(message: string): void {
    if (this.io.stderr.isTTY === true) this.io.stderr.write(`${message}\n`)
  }
}
