import { workspaceProject } from '../../vitest.shared.js'

// Every test runs the built command as a child process, and several start a registry, skopeo or
// docker: on a loaded 2-core machine one of those can take several seconds, so 5 s is too tight.
export default workspaceProject('cli', { testTimeout: 60_000 })
