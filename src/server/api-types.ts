/**
 * The API's answers as TypeScript types, inferred from the routes' schemas: what the dashboard
 * (web/) imports — types only, never server code.
 */
import type { z } from 'zod';
import type * as A from './schemas/admin.js';
import type * as X from './schemas/analysis.js';
import type * as C from './schemas/common.js';
import type * as S from './schemas/segments.js';

export type ApiError = z.infer<typeof C.ErrorBody>;
export type KpiCell = z.infer<typeof C.KpiCell>;
export type ShownSegmentRow = z.infer<typeof C.ShownSegmentRow>;
export type BaseRow = z.infer<typeof C.BaseRow>;
export type WhoAmI = z.infer<typeof S.WhoAmI>;
export type Kpis = z.infer<typeof S.Kpis>;
export type KpiDefinition = z.infer<typeof S.KpiDefinition>;
export type Snapshots = z.infer<typeof S.Snapshots>;
export type Schemes = z.infer<typeof S.Schemes>;
export type SchemeSummary = z.infer<typeof S.SchemeSummary>;
export type Overview = z.infer<typeof S.Overview>;
export type SegmentTable = z.infer<typeof S.SegmentTable>;
export type SegmentDetail = z.infer<typeof S.SegmentDetail>;
export type SegmentProfile = z.infer<typeof S.SegmentProfile>;
export type Members = z.infer<typeof S.Members>;
export type Trend = z.infer<typeof S.Trend>;
export type Cohorts = z.infer<typeof X.Cohorts>;
export type Migration = z.infer<typeof X.Migration>;
export type BeforeAfter = z.infer<typeof X.BeforeAfter>;
export type Compare = z.infer<typeof X.Compare>;
export type Models = z.infer<typeof X.Models>;
export type Clusters = z.infer<typeof X.Clusters>;
export type Quality = z.infer<typeof X.Quality>;
export type Alerts = z.infer<typeof X.Alerts>;
export type Recommendations = z.infer<typeof X.Recommendations>;
export type Economics = z.infer<typeof X.Economics>;
export type Tokens = z.infer<typeof A.Tokens>;
export type CreatedToken = z.infer<typeof A.CreatedToken>;
export type Audit = z.infer<typeof A.Audit>;
export type Forget = z.infer<typeof A.Forget>;
