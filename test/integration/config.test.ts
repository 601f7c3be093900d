import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError, type Problem } from '../../src/core/errors.js';
import { configFromObject, configHash, loadConfig, parseConfig } from '../../src/config/load.js';
import { OBJECTIVES } from '../../src/config/schema.js';
import { initTemplate } from '../../src/config/template.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'config');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'segtrack-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `text` (or a fixture) as a config file in a project folder of the temp dir. */
async function writeConfig(text: string, name = 'segtrack.yaml'): Promise<string> {
  const file = join(dir, 'project', name);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
  return file;
}

const fixture = (name: string): Promise<string> => readFile(join(fixtures, name), 'utf8');

/** The problems of the UserError that `run` throws. */
async function problemsOf(run: () => unknown): Promise<Problem[]> {
  try {
    await run();
  } catch (e) {
    if (e instanceof UserError) return e.problems;
    throw e;
  }
  throw new Error('expected a UserError, but the config was accepted');
}

describe('loadConfig', () => {
  it('reads the CONTRACT.md example and resolves paths against the config directory', async () => {
    const file = await writeConfig(await fixture('contract-example.yaml'));
    const project = dirname(file);
    const config = await loadConfig(file);

    expect(config.path).toBe(file);
    expect(config.baseDir).toBe(project);
    expect(config.workspace).toBe(join(project, 'segtrack.duckdb'));
    expect(config.currency).toBe('GBP');
    expect(config.as_of).toBe('2011-12-09');
    expect(config.objective).toBe('retention');

    const orders = config.sources.orders!;
    expect(orders.files).toEqual([join(project, 'data', 'orders.csv.gz')]);
    expect(orders.format).toBe('csv');
    expect(orders.options).toEqual({ delimiter: ',', header: true });
    expect(orders.filter).toBe('CustomerID IS NOT NULL');
    expect(orders.group_by).toEqual(['InvoiceNo']);
    expect(orders.columns).toEqual({
      order_id: 'InvoiceNo',
      customer_id: 'CustomerID',
      ordered_at: 'min(InvoiceDate)',
      revenue: 'sum(Quantity * UnitPrice)',
    });
    expect(orders.positions?.['source']).toEqual({ line: 6, column: 3 });
    expect(orders.positions?.['filter']).toEqual({ line: 10, column: 13 });
    expect(orders.positions?.['columns.revenue']).toEqual({ line: 16, column: 16 });

    // `files` with a glob and an absolute path; a number as an expression becomes text.
    const customers = config.sources.customers!;
    expect(customers.files).toEqual([
      join(project, 'data', 'customers-*.csv'),
      '/srv/shared/customers-extra.csv',
    ]);
    expect(customers.options?.types).toEqual({ CustomerID: 'string', Age: 'integer' });
    expect(customers.columns?.['consent_marketing']).toBe('1');

    expect(config.segments.map((s) => [s.name, s.type])).toEqual([
      ['rfm', 'rfm'],
      ['value', 'rules'],
      ['clusters', 'kmeans'],
      ['lifecycle', 'lifecycle'],
      ['tier', 'value_tiers'],
      ['risk', 'churn_risk'],
      ['channel', 'dimension'],
    ]);
    expect(config.segments[1]?.['rules']).toEqual([
      { segment: 'VIP', where: 'revenue_365d >= 1000 and orders_365d >= 5' },
      { segment: 'Other', where: 'true' },
    ]);
    expect(config.segments[2]?.['k']).toBe('auto');
    expect(config.positions?.['segments.1.rules.0.where']).toEqual({ line: 30, column: 31 });
    expect(config.kpis?.custom?.[0]?.name).toBe('vip_share');
    expect(config.models).toEqual({
      purchase: 'bgnbd',
      spend: 'gamma_gamma',
      time_unit: 'week',
      horizon_months: 12,
      discount_rate_annual: 0.1,
    });
    expect(config.privacy?.min_segment_size).toBe(10);
    expect(config.alerts?.[0]).toEqual({
      name: 'champions-churn',
      kpi: 'churn_rate',
      scheme: 'rfm',
      segment: 'Champions',
      when: 'change > 0.05',
      notify: ['console'],
    });
    expect(config.raw['currency']).toBe('GBP');
  });

  it('reports three mistakes at once, each with its line, column and did-you-mean', async () => {
    const file = await writeConfig(await fixture('three-mistakes.yaml'));
    const problems = await problemsOf(() => loadConfig(file));
    expect(problems[2]?.hint).toMatch(
      /^did you mean 'rfm'\? \(valid values: 'rules', 'rfm', .*'dimension'\)$/,
    );
    expect(
      problems.map(({ hint, ...p }) => ({ ...p, hint: hint?.replace(/ \(valid values: .*\)$/, '') })),
    ).toEqual([
      {
        code: 'config_unknown_key',
        message: "unknown top-level key 'sourcse'",
        at: { file, line: 3, column: 1 },
        hint: "did you mean 'sources'?",
      },
      {
        code: 'config_unknown_key',
        message: "unknown key 'formt' in sourcse.orders",
        at: { file, line: 6, column: 5 },
        hint: "did you mean 'format'?",
      },
      {
        code: 'config_invalid_choice',
        message: "segments[0].type: 'rmf' is not a scheme type",
        at: { file, line: 8, column: 23 },
        hint: "did you mean 'rfm'?",
      },
    ]);
  });

  it('suggests the canonical column for a misspelt column mapping, and the table for a misspelt source', async () => {
    const file = await writeConfig(
      [
        'sources:',
        '  orders:',
        '    file: orders.csv',
        '    columns:',
        '      order_id: InvoiceNo',
        '      custmer_id: CustomerID',
        '  custmers:',
        '    file: customers.csv',
        '',
      ].join('\n'),
    );
    const problems = await problemsOf(() => loadConfig(file));
    expect(problems).toEqual([
      {
        code: 'config_unknown_column',
        message: "sources.orders.columns: 'custmer_id' is not a column of the canonical table 'orders'",
        at: { file, line: 6, column: 7 },
        hint: "did you mean 'customer_id'?",
      },
      {
        code: 'config_unknown_table',
        message: "sources: 'custmers' is not a canonical table",
        at: { file, line: 7, column: 3 },
        hint: "did you mean 'customers'?",
      },
    ]);
  });

  it('gives a YAML syntax error its position', async () => {
    const file = await writeConfig(
      ['sources:', '  orders:', '    file: orders.csv', '   format: csv', ''].join('\n'),
    );
    const problems = await problemsOf(() => loadConfig(file));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'config_yaml_syntax', at: { file, line: 4, column: 4 } });
    expect(problems[0]?.hint).toMatch(/indent/);

    const unclosed = await writeConfig('segments: [{name: rfm, type: rfm}\n', 'unclosed.yaml');
    const [problem] = await problemsOf(() => loadConfig(unclosed));
    // The parser notices the missing bracket where the text ends.
    expect(problem).toMatchObject({ code: 'config_yaml_syntax', at: { file: unclosed, line: 2, column: 1 } });
    expect(problem?.hint).toBe("a '[' opened earlier is not closed with ']'");
  });

  it('reports a missing file as config_missing with a hint to run segtrack init', async () => {
    const missing = join(dir, 'nowhere', 'segtrack.yaml');
    const problems = await problemsOf(() => loadConfig(missing));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      code: 'config_missing',
      message: `no configuration file at ${missing}`,
      at: { file: missing },
    });
    expect(problems[0]?.hint).toContain('run `segtrack init`');
  });

  it('reports an empty file, and a file that is not a mapping', async () => {
    const empty = await writeConfig('# nothing yet\n');
    expect((await problemsOf(() => loadConfig(empty)))[0]?.code).toBe('config_empty');
    const list = await writeConfig('- a\n- b\n', 'list.yaml');
    expect((await problemsOf(() => loadConfig(list)))[0]).toMatchObject({
      code: 'config_not_mapping',
      at: { line: 1, column: 1 },
    });
  });

  it('explains wrong types, wrong choices, missing keys and cross-references', async () => {
    const file = await writeConfig(
      [
        'as_of: 2011-13-01', // 1
        'sources:', // 2
        '  orders:', // 3
        '    format: cvs', // 4
        '    options: {header: yes}', // 5
        'segments:', // 6
        '  - {name: value, type: rules}', // 7
        '  - {name: clusters, type: kmeans, features: recency_days, k: 1}', // 8
        '  - {name: value, type: rfm}', // 9
        'models:', // 10
        '  horizon_months: "12"', // 11
        'alerts:', // 12
        '  - {name: a, kpi: churn_rate, scheme: clustrs, when: "change > 0.05"}', // 13
        '',
      ].join('\n'),
    );
    const problems = await problemsOf(() => loadConfig(file));
    const byCode = problems.map((p) => [p.code, p.at?.line, p.at?.column, p.hint]);
    expect(byCode).toEqual([
      ['config_invalid_date', 1, 8, 'for example `2011-12-09`'],
      ['config_missing_key', 3, 3, expect.stringContaining('`file: data/orders.csv`')],
      [
        'config_invalid_choice',
        4,
        13,
        "did you mean 'csv'? (valid values: 'csv', 'parquet', 'json', 'jsonl')",
      ],
      ['config_invalid_type', 5, 23, "write true or false (YAML 1.2 reads 'yes' as text)"],
      ['config_missing_key', 7, 5, expect.stringContaining('add `rules:`')],
      ['config_invalid_type', 8, 46, expect.stringContaining('write a list: [recency_days]')],
      ['config_out_of_range', 8, 63, expect.stringContaining("'auto'")],
      ['config_duplicate_name', 9, 12, 'give each scheme its own name'],
      ['config_invalid_type', 11, 19, 'remove the quotes around the number'],
      ['config_unknown_scheme', 13, 40, "did you mean 'clusters'?"],
    ]);
  });

  it('treats an empty section as absent', async () => {
    const file = await writeConfig('sources:\n  orders: {file: o.csv}\nalerts:\n  # - {name: a}\nkpis:\n');
    const config = await loadConfig(file);
    expect(config.alerts).toBeUndefined();
    expect(config.kpis).toBeUndefined();
    expect(config.segments).toEqual([]);
  });
});

describe('configFromObject and configHash', () => {
  it('validates a plain object and names the place of each problem by path', () => {
    const config = configFromObject(
      { workspace: 'ws.duckdb', sources: { orders: { files: ['a.csv', 'b.csv'] } } },
      dir,
    );
    expect(config.path).toBe('');
    expect(config.workspace).toBe(join(dir, 'ws.duckdb'));
    expect(config.sources.orders?.files).toEqual([join(dir, 'a.csv'), join(dir, 'b.csv')]);
    expect(config.positions).toBeUndefined();

    let error: unknown;
    try {
      configFromObject(
        {
          sources: { orders: { file: 'a.csv', files: ['b.csv'] } },
          segments: [{ name: 'x', type: 'kmeans', features: ['aov'], k: 'auot' }],
        },
        dir,
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).problems.map((p) => [p.code, p.message])).toEqual([
      ['config_conflicting_keys', "sources.orders.files: source 'orders' has both 'file' and 'files'"],
      ['config_invalid_type', "segments[0].k: expected a whole number ≥ 2 or 'auto', got 'auot'"],
    ]);
  });

  it('hashes the settings, not where the project lives', async () => {
    const text = await fixture('contract-example.yaml');
    const a = parseConfig(text, join(dir, 'a', 'segtrack.yaml'), join(dir, 'a'));
    const b = parseConfig(`# moved\n${text}`, join(dir, 'b', 'segtrack.yaml'), join(dir, 'b'));
    expect(configHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(configHash(b)).toBe(configHash(a));
    const changed = parseConfig(
      text.replace('min_segment_size: 10', 'min_segment_size: 20'),
      join(dir, 'a', 'segtrack.yaml'),
      join(dir, 'a'),
    );
    expect(configHash(changed)).not.toBe(configHash(a));
  });
});

describe('initTemplate', () => {
  it('parses cleanly with the defaults', async () => {
    const file = await writeConfig(initTemplate());
    const config = await loadConfig(file);
    expect(config.objective).toBe('retention');
    expect(Object.keys(config.sources).sort()).toEqual(['customers', 'orders']);
    expect(config.sources.orders?.files).toEqual([join(dirname(file), 'data', 'orders.csv')]);
    expect(config.segments.length).toBeGreaterThan(0);
  });

  it('parses cleanly for every objective and with the sources it is given', () => {
    for (const objective of OBJECTIVES) {
      const text = initTemplate({
        objective,
        sourcesHint: { orders: 'exports/orders 2024.parquet', events: ['web/*.jsonl', 'crm/events.jsonl'] },
      });
      const config = parseConfig(text, join(dir, 'segtrack.yaml'), dir);
      expect(config.objective).toBe(objective);
      expect(config.sources.orders?.files).toEqual([join(dir, 'exports', 'orders 2024.parquet')]);
      expect(config.sources.events?.files).toEqual([
        join(dir, 'web', '*.jsonl'),
        join(dir, 'crm', 'events.jsonl'),
      ]);
      expect(text).toContain(`# What the analysis focuses on`);
    }
  });
});

describe('the recommend section', () => {
  it('accepts a playbook and response assumptions, and refuses a misshapen one with its place', () => {
    const config = configFromObject(
      {
        recommend: {
          playbook: [{ action: 'win_back', all: ['churn_risk >= 0.5'] }],
          actions: { win_back: { cost_per_customer: 2, response_rate: 0.1 } },
        },
      },
      '/tmp',
    );
    expect((config.raw['recommend'] as { actions: unknown }).actions).toEqual({
      win_back: { cost_per_customer: 2, response_rate: 0.1 },
    });
    let problems: Problem[] = [];
    try {
      configFromObject({ recommend: { actions: { win_back: { response_rate: 2 } } } }, '/tmp');
    } catch (e) {
      problems = (e as UserError).problems;
    }
    expect(problems.map((p) => p.message).join('\n')).toMatch(/recommend\.actions\.win_back\.response_rate/);
  });
});
