import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A scratch directory under the system temp folder, removed by {@link TempDir.remove}. */
export interface TempDir {
  /** Absolute path of the directory. */
  readonly dir: string;
  /** Absolute path of `name` inside the directory (not created). */
  path(name: string): string;
  /** Writes `content` to `name` (creating sub-folders) and returns its absolute path. */
  write(name: string, content: string | Uint8Array): string;
  /** Deletes the directory and everything in it. */
  remove(): void;
}

/**
 * Creates a fresh temporary directory.
 * @example const tmp = makeTempDir('ingest-'); afterAll(() => tmp.remove());
 */
export function makeTempDir(prefix = 'segtrack-test-'): TempDir {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    path: (name) => join(dir, name),
    write(name, content) {
      const full = join(dir, name);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, content);
      return full;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
