// `npm run bench:cloud` (in tools/): every call each contract operation makes, per provider,
// counted from the request logs of the cloud fakes and of our registry, printed as a Markdown
// table on stdout (progress on stderr). docs/cloud-calls.md holds the same table with a reason
// for every call; a test in tools/test keeps the two equal.
// Like the packages, the sources import each other with `.js`: the script builds the packages,
// compiles these files to bench-cloud/dist (bench-cloud/tsconfig.json) and runs dist/main.js.
import { measureCloudCalls } from './measure.js'
import { renderMarkdown } from './table.js'

const started = performance.now()
const table = await measureCloudCalls((column) => process.stderr.write(`measuring ${column}\n`))
console.log(renderMarkdown(table))
process.stderr.write(`done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`)
