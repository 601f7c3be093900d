import { describe, expect, it } from 'vitest';
import { barChart, columnChart, lineChart, sparkline } from './svg-charts.js';
import { heatmap } from './svg-heatmap.js';

const HOSTILE = '<b>"x" & y</b>';
const fmt = (v: number) => v.toFixed(0);

describe('report charts', () => {
  it('draw nothing without values, so the caller can say so', () => {
    expect(sparkline([1], { label: 'one value' })).toBeNull();
    expect(sparkline([null, 2, null], { label: 'one value' })).toBeNull();
    expect(
      lineChart({
        title: 't',
        label: 'l',
        series: [{ name: 'a', points: [{ x: 0, y: null, tip: '' }] }],
        xTicks: [],
        xDomain: [0, 1],
        xTitle: 'x',
        yTitle: 'y',
        yFormat: fmt,
      }),
    ).toBeNull();
    expect(
      barChart({ title: 't', label: 'l', rows: [{ label: 'a', values: [null] }], measures: [] }),
    ).toBeNull();
    expect(
      heatmap({
        title: 't',
        label: 'l',
        rows: [{ label: 'c', values: [null, null] }],
        columns: 2,
        columnTitle: 'k',
        rowTitle: 'r',
        max: 1,
        format: fmt,
        tip: () => '',
        hiddenLabel: 'hidden',
      }),
    ).toBeNull();
  });

  it('are accessible images with titles, axes and legends, and escape every label', () => {
    const svg = lineChart({
      title: `Revenue of ${HOSTILE}`,
      label: `Line chart of ${HOSTILE}`,
      series: [
        {
          name: HOSTILE,
          points: [
            { x: 0, y: 10, tip: `${HOSTILE}: 10` },
            { x: 1, y: null, tip: 'hidden' },
            { x: 2, y: 30, tip: `${HOSTILE}: 30` },
          ],
        },
      ],
      xTicks: [
        { x: 0, label: 'Jan' },
        { x: 2, label: 'Mar' },
      ],
      xDomain: [0, 2],
      xTitle: 'month',
      yTitle: 'revenue (GBP)',
      yFormat: fmt,
      yFromZero: true,
      marker: { x: 1, label: 'calibration end' },
    })!.value;
    expect(svg).toMatch(
      /^<svg class="chart" data-chart="line" role="img" aria-label="Line chart of &lt;b&gt;/,
    );
    expect(svg).toContain('<title>Revenue of &lt;b&gt;&quot;x&quot; &amp; y&lt;/b&gt;</title>');
    expect(svg).not.toContain(HOSTILE);
    // The line breaks at the missing point: two moves, no line segment between them.
    expect(svg).toMatch(/d="M[\d.]+,[\d.]+M[\d.]+,[\d.]+"/);
    expect(svg.match(/<circle /g)?.length).toBe(2);
    for (const text of ['revenue (GBP)', 'month', 'Jan', 'Mar', 'calibration end', '>0<', '>30<'])
      expect(svg).toContain(text);
    expect(svg).toContain('class="legend"');
  });

  it('write a note instead of bars for a suppressed row, and label the others', () => {
    const svg = barChart({
      title: 'Customers by segment',
      label: 'Bar chart',
      rows: [
        { label: 'Big', values: [120] },
        { label: HOSTILE, values: [null], note: 'suppressed (fewer than 10 customers)' },
      ],
      measures: [{ name: 'Customers', format: fmt, colour: '#0072B2' }],
    })!.value;
    expect(svg.match(/<rect /g)?.length).toBe(1);
    expect(svg).toContain('<title>Big — Customers: 120</title>');
    expect(svg).toContain('suppressed (fewer than 10 customers)');
    expect(svg).not.toContain(HOSTILE);
    const columns = columnChart({
      title: 'Means',
      label: 'Columns',
      categories: ['0', '1', '2+'],
      series: [
        { name: 'actual', values: [0.5, null, 2], colour: '#000' },
        { name: 'expected', values: [0.4, null, 2.1], colour: '#E69F00' },
      ],
      xTitle: 'frequency',
      yTitle: 'mean',
      yFormat: (v) => v.toFixed(1),
      tip: (c, s, v) => `${c} ${s} ${v}`,
    })!.value;
    expect(columns.match(/<rect /g)?.length).toBe(4 + 2);
    expect(columns).toContain('<title>2+ expected 2.1</title>');
  });

  it('hatch hidden heatmap cells and mark the top of the scale when values exceed it', () => {
    const svg = heatmap({
      title: 'Retention',
      label: 'Heatmap',
      rows: [
        { label: '2025-01 (40)', values: [1, 0.2, null] },
        { label: '2025-02 (suppressed)', values: [null, null] },
      ],
      columns: 3,
      columnTitle: 'months since',
      rowTitle: 'cohort',
      max: 0.2,
      format: (v) => `${Math.round(v * 100)}%`,
      tip: (i, k, v) => `row ${i} month ${k}: ${v === null ? 'hidden' : v}`,
      hiddenLabel: 'hidden (fewer than 10 customers)',
    })!.value;
    // 5 cells (the second row stops after 2 periods), 5 scale swatches and the hatch swatch.
    expect(svg.match(/<rect x=/g)?.length).toBe(5 + 6);
    expect(svg.match(/fill="url\(#hatch\)"/g)?.length).toBe(3 + 1);
    expect(svg).toContain('<title>row 1 month 1: hidden</title>');
    expect(svg).toContain('20%+');
  });
});
