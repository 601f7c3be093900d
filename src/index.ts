/**
 * segtrack's public API: the same stages the command line runs, for programs that embed them.
 *
 * @example
 * import { openWorkspace, loadConfig, ingest, runPipeline } from 'segtrack';
 * const config = await loadConfig('segtrack.yaml');
 * const engine = await openWorkspace(config.workspace ?? 'segtrack.duckdb');
 * await ingest(engine, config);
 * const run = await runPipeline(engine, config);
 * await engine.close();
 */
export { UserError, EngineError, QualityGateError, type Problem, type Location } from './core/errors.js';
export type { Engine, Row, SqlValue, Chunk } from './engine/engine.js';
export type { Dialect, Capabilities, LogicalType } from './dialect/dialect.js';
export { openWorkspace } from './workspace/workspace.js';
export { loadConfig, parseConfig, configFromObject, configHash } from './config/load.js';
export type { Config, SourceConfig, SchemeConfig } from './config/types.js';
export { CANONICAL, CANONICAL_TABLES, type CanonicalTableName } from './model/canonical.js';
export { ingest, type IngestOptions, type IngestResult } from './ingest/ingest.js';
export { runQuality, gateFails, type QualityReport } from './quality/quality.js';
export { generate, type GenerateOptions, type GenerateResult } from './generate/generate.js';
export { buildFeatures, latestOrderDate, type FeatureInfo } from './features/build-features.js';
export { compileExpression, parseExpression } from './expr/index.js';
export { CATALOGUE, kpiDefinition } from './kpis/catalogue.js';
export { computeKpis } from './kpis/compute.js';
export { computeFlags } from './kpis/flags.js';
export { rankSegments } from './kpis/rank.js';
export { assignSegments } from './segments/assign.js';
export { runPipeline, type RunResult } from './pipeline/run.js';
export { fitBgNbd, type BgNbdParams } from './models/bgnbd.js';
export {
  scoreBgNbd,
  bgnbdPAlive,
  bgnbdConditionalExpected,
  bgnbdExpectedTransactions,
} from './models/bgnbd-score.js';
export { fitParetoNbd, type ParetoNbdParams } from './models/pareto-nbd.js';
export { scoreParetoNbd } from './models/pareto-nbd-score.js';
export { fitGammaGamma, gammaGammaConditionalSpend, type GammaGammaParams } from './models/gamma-gamma.js';
export {
  collapseSummary,
  collapseSpendSummary,
  type RfmSummary,
  type SpendSummary,
} from './models/summary.js';
export { fitModels } from './predict/fit-models.js';
export { validateModels } from './predict/validate.js';
export { modelSettings, type ModelSettings } from './predict/settings.js';
export { kmeans } from './clusters/kmeans.js';
export { chooseK } from './clusters/choose-k.js';
export { prepareFeatures, applyTransform } from './clusters/prepare.js';
export { backfill } from './pipeline/backfill.js';
export { listSnapshots, segmentTable, shownSegmentTable, trend } from './snapshot/read.js';
export { decideSuppression, suppressionLabel } from './privacy/suppression.js';
export { suppressSegmentRows } from './privacy/suppress-segments.js';
export { DEFAULT_MIN_SEGMENT_SIZE, minSegmentSizeOf } from './privacy/threshold.js';
export { forgetCustomers } from './privacy/forget.js';
export { listAudit, recordAudit } from './privacy/audit.js';
export { exportSegment } from './activation/export.js';
export { evaluateAlerts, type RunAlerts } from './alerts/evaluate.js';
export { signBody, verifySignature } from './alerts/signature.js';
export { compare } from './tracking/compare.js';
export { compareSnapshots } from './tracking/compare-snapshots.js';
export { migrationMatrix } from './tracking/migration.js';
export { recommend } from './decisions/recommend.js';
export { unitEconomics } from './decisions/unit-economics.js';
export { allocateBudget } from './decisions/allocate-budget.js';
export { interventionRoi } from './decisions/intervention-roi.js';
export { cohorts } from './analysis/cohorts.js';
export { runBench } from './bench/bench.js';
export { run as runCli } from './cli/main.js';
