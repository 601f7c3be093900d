import type { Command } from 'commander';
import type { CommandContext } from '../context.js';

/** Registers the commands that live in their own files (besides ingest and status). */
export function registerCommands(_program: Command, _context: (cmd: Command) => CommandContext): void {}
