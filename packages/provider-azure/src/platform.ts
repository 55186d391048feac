/** Platform id of this provider, used in errors (`[provider-azure] …`) and in bindings. */
export const PLATFORM = 'azure'
