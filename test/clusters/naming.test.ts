import { describe, expect, it } from 'vitest';
import { nameClusters } from '../../src/clusters/naming.js';
import type { ClusterProfile } from '../../src/clusters/profile.js';

const profile = (diffs: Record<string, number>): ClusterProfile => ({
  label: 0,
  size: 10,
  share: 0.1,
  features: Object.entries(diffs).map(([feature, std_diff]) => ({
    feature,
    mean: null,
    median: null,
    base_mean: null,
    base_median: null,
    std_diff,
  })),
});

describe('nameClusters', () => {
  it('names clusters from their most distinguishing features, uniquely', () => {
    const names = nameClusters([
      profile({ orders_365d: 1.4, revenue_365d: 1.2, recency_days: -0.8, aov: 0.1 }),
      profile({ orders_365d: -0.9, revenue_365d: -0.7, recency_days: 1.5, aov: 0.2 }),
      profile({ orders_365d: 0.1, revenue_365d: 0.2, recency_days: 0.1, aov: 0.3 }),
      profile({ orders_365d: -0.9, revenue_365d: -0.7, recency_days: 1.5, aov: 0.6 }),
    ]);
    expect(names).toEqual([
      'Frequent high-value customers, recent',
      'Lapsed infrequent customers, low-value',
      'Average customers',
      'Lapsed infrequent customers, low-value, big-basket',
    ]);
  });

  it('does not reuse taken names', () => {
    const [name] = nameClusters([profile({ age: 2 })], new Set(['Older customers']));
    expect(name).toBe('Older customers (2)');
  });
});
