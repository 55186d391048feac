#!/usr/bin/env node
// npm links bins when it installs, before any build: this committed launcher exists then, so the
// link is made, and it loads the built command only when the command runs.
import { existsSync } from 'node:fs'

const entry = new URL('../dist/credential-helper.js', import.meta.url)
if (!existsSync(entry)) {
  console.error('docker-credential-artifact-registry is not built yet: run `npm run build` first')
  process.exit(1)
}
await import(entry.href)
