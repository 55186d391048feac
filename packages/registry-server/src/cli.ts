#!/usr/bin/env node
import { parseCommandLine } from './cli/flags.js'
import { serve } from './cli/serve.js'
import { tokenService } from './cli/token-service.js'
import { USAGE, UsageError } from './cli/usage.js'
import { packageVersion } from './cli/version.js'

/** Exit statuses: the command ran, the command line was wrong, or running it failed. */
const EXIT = { ok: 0, runtime: 1, usage: 2 } as const

async function main(argv: readonly string[]): Promise<number> {
  const invocation = parseCommandLine(argv)
  if (invocation.kind === 'help') {
    console.log(USAGE)
    return EXIT.ok
  }
  if (invocation.kind === 'version') {
    console.log(await packageVersion())
    return EXIT.ok
  }
  const run = invocation.command === 'serve' ? serve : tokenService
  await run(invocation.flags)
  return EXIT.ok
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`artifact-registry-local: ${error.message}\n\n${USAGE}`)
      process.exit(EXIT.usage)
    }
    console.error(`artifact-registry-local: ${error instanceof Error ? error.message : error}`)
    process.exit(EXIT.runtime)
  },
)
