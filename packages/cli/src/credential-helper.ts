#!/usr/bin/env node
import { runCredentialHelper } from './credential-helper/run.js'
import { processIo } from './io.js'

// Exit with the status once the output is written: process.exit() could cut a piped stdout short.
process.exitCode = await runCredentialHelper(process.argv.slice(2), processIo())
