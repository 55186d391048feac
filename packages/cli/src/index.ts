export { ERROR_EXIT_CODES, EXIT } from './exit-codes.js'
