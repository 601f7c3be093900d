import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { registerBench } from './bench.js';
import { registerClusters } from './clusters.js';
import { registerDemo } from './demo.js';
import { registerDrivers } from './drivers.js';
import { registerExport } from './export.js';
import { registerMigration } from './migration.js';
import { registerCompare } from './compare.js';
import { registerAlerts } from './alerts.js';
import { registerRecommend } from './recommend.js';
import { registerReport } from './report.js';
import { registerToken } from './token.js';
import { registerServe } from './serve.js';
import { registerGenerate } from './generate.js';
import { registerInit } from './init.js';
import { registerQuality } from './quality.js';
import { registerHistory } from './history.js';
import { registerMembers } from './members.js';
import { registerModels } from './models.js';
import { registerPrivacy } from './privacy.js';
import { registerRun } from './run.js';
import { registerSegments } from './segments.js';

/** Registers the commands that live in their own files (besides ingest and status). */
export function registerCommands(program: Command, context: (cmd: Command) => CommandContext): void {
  registerQuality(program, context);
  registerInit(program, context);
  registerGenerate(program, context);
  registerBench(program, context);
  registerDemo(program, context);
  registerRun(program, context);
  registerSegments(program, context);
  registerHistory(program, context);
  registerMembers(program, context);
  registerModels(program, context);
  registerClusters(program, context);
  registerDrivers(program, context);
  registerPrivacy(program, context);
  registerExport(program, context);
  registerMigration(program, context);
  registerCompare(program, context);
  registerAlerts(program, context);
  registerRecommend(program, context);
  registerReport(program, context);
  registerToken(program, context);
  registerServe(program, context);
}
