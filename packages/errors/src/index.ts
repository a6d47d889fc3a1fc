export { asCodedError, isCodedError, ParleyError, type CodedError, type ParleyErrorOptions, type SerializedCodedError } from './coded-error.js';
