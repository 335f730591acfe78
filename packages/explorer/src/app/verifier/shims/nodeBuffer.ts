import { BrowserBuffer } from './buffer.js'

/** `node:buffer` for the browser verifier. */
export const Buffer = BrowserBuffer
export default { Buffer }
