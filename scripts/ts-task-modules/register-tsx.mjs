// The documented way to run TypeScript task modules on Node 20 (README "TypeScript modules in
// threads"): `node --import ./register-tsx.mjs main.ts`. threadkit passes `--import` on to every
// thread it starts, and tsx's API registers its loader wherever it is imported — including in
// worker threads, where `--import tsx` on its own does not register it on Node 20.
import { register } from 'tsx/esm/api';

register();
