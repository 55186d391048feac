import { workspaceProject } from '../vitest.shared.js'

export default workspaceProject('tools', { testTimeout: 180_000 })
