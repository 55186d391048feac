import { readFileSync } from 'node:fs'

/** This package's version, from its package.json (one level above `src/` and `dist/`). */
export function packageVersion(): string {
  const manifest = new URL('../package.json', import.meta.url)
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version
}
