/** Platform id of the local provider. */
export const PLATFORM = 'local'
