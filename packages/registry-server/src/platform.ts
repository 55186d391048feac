/**
 * The platform id on errors of the local registry: they surface through
 * `@artifact-registry/provider-local`, whose platform this is.
 */
export const PLATFORM = 'local'
