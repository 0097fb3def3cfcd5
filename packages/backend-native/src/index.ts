/**
 * `@threadkit/backend-native`: the complete threadkit API with parking in a native Node-API
 * addon — threads sleep in the kernel on the shared cell, and async waits are served off the
 * JS thread. Importing it installs the backend (once per process) and re-exports the user API
 * of `@threadkit/api`.
 */
import { startMain } from '@threadkit/api/node';
import { host } from './host';

export * from '@threadkit/api';

startMain(host);
