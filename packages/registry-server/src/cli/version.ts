import { readFile } from 'node:fs/promises'

/** The package's version, read from its package.json (one level above `src/` and `dist/`). */
export async function packageVersion(): Promise<string> {
  const manifest = new URL('../../package.json', import.meta.url)
  const { version } = JSON.parse(await readFile(manifest, 'utf8')) as { version: string }
  return version
}
