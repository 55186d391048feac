// Loaded with `node --import` into a command's child process: the tests' network guard (which
// vitest installs only in its own workers), so the child too may reach nothing but this machine.
// The guard is TypeScript whose imports name `.js` files, as the compiler wants; Node strips its
// types but resolves names as written, so a `.js` that does not exist is looked for as `.ts`.
import { registerHooks } from 'node:module'

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context)
    } catch (err) {
      if (!specifier.startsWith('.') || !specifier.endsWith('.js')) throw err
      return nextResolve(`${specifier.slice(0, -'.js'.length)}.ts`, context)
    }
  },
})

await import(new URL('../../../../tools/test-network-guard.ts', import.meta.url).href)
