#!/usr/bin/env node
import { EXIT } from './exit-codes.js'
import { processIo } from './io.js'
import { main } from './main.js'
import { failOnOutputError } from './output-failure.js'
import { BIN } from './program.js'

failOnOutputError(BIN, process.stdout, process.stderr, (status) => process.exit(status))

const status = await main(process.argv.slice(2), processIo())
// After Ctrl-C, whatever the abandoned call still holds open (a socket, an embedded registry)
// must not keep the process alive. Otherwise exit once the output is written: process.exit()
// could cut a piped stdout short.
if (status === EXIT.interrupted) process.exit(status)
process.exitCode = status
