import { workspaceProject } from '../../vitest.shared.js'

// Many tests here start the command, registry:2 or skopeo as child processes: on a loaded 2-core
// machine one of those can take several seconds to start, so the default 5 s is too tight.
export default workspaceProject('registry-server', { testTimeout: 30_000 })
