#!/usr/bin/env node
// Entry point of the `segtrack` command. In a source checkout (src/ present and tsx installed) it
// runs the TypeScript sources directly, so there is nothing to rebuild after an edit; an installed
// package runs the compiled JavaScript in dist/.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src', 'cli', 'main.ts');
const built = join(root, 'dist', 'src', 'cli', 'main.js');

let entry;
if (existsSync(source) && existsSync(join(root, 'node_modules', 'tsx'))) {
  const { register } = await import('tsx/esm/api');
  register();
  entry = source;
} else if (existsSync(built)) {
  entry = built;
} else {
  process.stderr.write('segtrack: not built; run `npm install` (or `npm run build`) first\n');
  process.exit(1);
}
// A reader that stops early (`segtrack members | head`) is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
const { run } = await import(pathToFileURL(entry).href);
process.exitCode = await run(process.argv.slice(2));
