import { workspaceProject } from '../../vitest.shared.js'

export default workspaceProject('registry-server')
