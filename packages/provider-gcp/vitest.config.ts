import { workspaceProject } from '../../vitest.shared.js'

// google-auth-library must never probe the GCE metadata server: tests talk to 127.0.0.1 only.
export default workspaceProject('provider-gcp', { env: { METADATA_SERVER_DETECTION: 'none' } })
