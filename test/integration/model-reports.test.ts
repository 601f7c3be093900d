/**
 * The stored model reports as the API and the report show them: a holdout frequency group under
 * the privacy threshold is hidden with a complement (regression: with one group hidden, its size
 * and mean followed from the validated customers and the repeat-purchase totals).
 */
import { describe, expect, it } from 'vitest';
import { storeModelReport } from '../../src/snapshot/store.js';
import { latestModelReports } from '../../src/views/model-reports.js';
import { openWorkspace } from '../../src/workspace/workspace.js';

describe('latestModelReports', () => {
  it('hides-small-frequency-group-recoverable-from-totals', async () => {
    const engine = await openWorkspace(':memory:');
    try {
      const group = (frequency: number, customers: number) => ({
        frequency,
        and_more: false,
        customers,
        actual_mean: frequency / 2,
        expected_mean: frequency / 2 + 0.1,
      });
      await storeModelReport(engine, 'validate', {
        customers: 196,
        holdout: {
          actual_repeat_transactions: 300,
          expected_repeat_transactions: 310,
          by_calibration_frequency: [group(0, 100), group(1, 50), group(2, 6), group(3, 40)],
          weekly_cumulative: [],
        },
      });
      const r = await latestModelReports(engine, 10);
      const groups = (r.validate!['holdout'] as { by_calibration_frequency: Record<string, unknown>[] })
        .by_calibration_frequency;
      expect(groups.map((g) => g['suppressed'])).toEqual([false, false, true, true]);
      for (const g of groups.filter((x) => x['suppressed']))
        expect([g['customers'], g['actual_mean'], g['expected_mean']]).toEqual([null, null, null]);
      expect(groups[0]).toMatchObject({ customers: 100, actual_mean: 0 });
      expect(r.fit).toBeNull();
    } finally {
      await engine.close();
    }
  });
});
