export { resolveBindingPlaceholders } from './binding-placeholders.js'
export { deprovision } from './deprovision.js'
export type { LocalDeprovisionOptions, LocalProvisionOptions } from './options.js'
export { provision } from './provision.js'
