export { fromBinding, LocalProvider, local } from './local-provider.js'
export { MARKER_ARTIFACT_TYPE, MARKER_DIGEST } from './marker.js'
export type { LocalProviderOptions } from './options.js'
export { PLATFORM } from './platform.js'
