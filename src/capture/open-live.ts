/**
 * Entry point the pipeline imports for live capture; the implementation lives
 * in live.ts (cap engine).
 */
export { openLive, DEFAULT_LIVE_BUFFER, type LiveCapture, type LiveOptions } from './live.js';
