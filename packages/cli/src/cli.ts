#!/usr/bin/env node
import { processIo } from './io.js'
import { main } from './main.js'

// Exit with the status once the output is written: process.exit() could cut a piped stdout short.
process.exitCode = await main(process.argv.slice(2), processIo())
