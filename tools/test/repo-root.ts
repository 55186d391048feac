import { fileURLToPath } from 'node:url'

/** Absolute path of the repository root. */
export const REPO_ROOT: string = fileURLToPath(new URL('../../', import.meta.url))
