#!/usr/bin/env node
import { EXIT } from './exit-codes.js'
import { processIo } from './io.js'
import { main } from './main.js'

const status = await main(process.argv.slice(2), processIo())
// After Ctrl-C, whatever the abandoned call still holds open (a socket, an embedded registry)
// must not keep the process alive. Otherwise exit once the output is written: process.exit()
// could cut a piped stdout short.
if (status === EXIT.interrupted) process.exit(status)
process.exitCode = status
