import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/types.js';
import { createProgress, type Progress } from '../core/progress.js';
import type { Engine } from '../engine/engine.js';
import { openWorkspace, type OpenOptions } from '../workspace/workspace.js';

/** Options every command takes (CONTRACT.md, "Global behaviour"). */
export interface GlobalOptions {
  config?: string;
  workspace?: string;
  json?: boolean;
  memoryLimit?: string;
}

/** Where a command writes: stdout for results, stderr for everything else. */
export interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/** What a command needs from its surroundings. */
export class CommandContext {
  readonly progress: Progress;
  constructor(
    readonly io: Io,
    private readonly command: Command,
  ) {
    this.progress = createProgress(io.stderr);
  }

  /** The global options, wherever on the command line they were given. */
  get globals(): GlobalOptions {
    return this.command.optsWithGlobals<GlobalOptions>();
  }

  get json(): boolean {
    return this.globals.json === true;
  }

  /** Path of the config file (given or default). */
  get configPath(): string {
    return resolve(this.globals.config ?? 'segtrack.yaml');
  }

  /** Loads the config; fails with a user error when it is missing or invalid. */
  async config(): Promise<Config> {
    return loadConfig(this.configPath);
  }

  /** The config when one exists (commands that can work from a workspace alone). */
  async optionalConfig(): Promise<Config | undefined> {
    if (this.globals.config === undefined && !existsSync(this.configPath)) return undefined;
    return this.config();
  }

  /** The workspace path: --workspace, else the config's, else ./segtrack.duckdb. */
  workspacePath(config?: Config): string {
    return resolve(this.globals.workspace ?? config?.workspace ?? 'segtrack.duckdb');
  }

  /** Opens the workspace; the caller closes it. */
  async open(config?: Config, options: OpenOptions = {}): Promise<Engine> {
    const limit = this.globals.memoryLimit;
    return openWorkspace(
      this.workspacePath(config),
      limit !== undefined ? { memoryLimit: limit, ...options } : options,
    );
  }

  /** Prints the result: the JSON document with --json, else the human rendering. */
  emit(result: unknown, human: () => string): void {
    if (this.json) this.io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else this.io.stdout.write(`${human()}\n`);
  }

  /** A note for the user on stderr. */
  note(message: string): void {
    this.io.stderr.write(`${message}\n`);
  }
}
