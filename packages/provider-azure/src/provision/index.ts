export { deprovision } from './deprovision.js'
export type { AzureDeprovisionOptions, AzureProvisionOptions } from './options.js'
export { provision } from './provision.js'
