export { deprovision } from './deprovision.js'
export type { GcpDeprovisionOptions, GcpProvisionOptions } from './options.js'
export { provision } from './provision.js'
export type { ProvisionedGcpBinding } from './session.js'
