// Node built-ins the suite's support code imports, in a browser: present, but any use fails.
function needsNode(name) {
  return () => {
    throw new Error(`needs Node (${name})`);
  };
}
export const spawnSync = needsNode('child_process');
export const spawn = needsNode('child_process');
export const isAbsolute = needsNode('path');
export const resolve = needsNode('path');
export const join = needsNode('path');
export const dirname = needsNode('path');
export const createRequire = needsNode('module');
export const fileURLToPath = needsNode('url');
export const readFileSync = needsNode('fs');
export const writeFileSync = needsNode('fs');
export const existsSync = needsNode('fs');
export const rmSync = needsNode('fs');
export const tmpdir = needsNode('os');
export const pathToFileURL = needsNode('url');
export const availableParallelism = () => navigator.hardwareConcurrency;
