#!/usr/bin/env node
import { runCredentialHelper } from './credential-helper/run.js'
import { EXIT } from './exit-codes.js'
import { processIo } from './io.js'

// An answer docker cannot be given (its pipe closed, a full disk behind a redirect) fails the
// action, quietly: the protocol's failure line would go to the same stdout, and the helper writes
// nothing to stderr. Unhandled, Node printed an uncaught exception's stack trace there.
process.stdout.once('error', () => process.exit(EXIT.failure))

// Exit with the status once the output is written: process.exit() could cut a piped stdout short.
process.exitCode = await runCredentialHelper(process.argv.slice(2), processIo())
