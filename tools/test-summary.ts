// Adds up the JSON reports of every workspace's vitest run and prints one closing line,
// `tests: N passed, N failed, N skipped`, so a whole-repository run ends with a single verdict.
import { glob, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

interface VitestReport {
  numPassedTests: number
  numFailedTests: number
  numPendingTests: number
  numTodoTests: number
}

const root = fileURLToPath(new URL('..', import.meta.url))
let passed = 0
let failed = 0
let skipped = 0
let reports = 0
for await (const file of glob('{packages/*,tools,e2e}/.test-results/vitest.json', {
  cwd: root,
})) {
  const report = JSON.parse(await readFile(join(root, file), 'utf8')) as VitestReport
  passed += report.numPassedTests
  failed += report.numFailedTests
  skipped += report.numPendingTests + report.numTodoTests
  reports += 1
}
if (reports === 0) {
  console.error('no test reports found: did the test targets run?')
  process.exit(1)
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(failed > 0 || passed === 0 ? 1 : 0)
