import { kpiLabel } from '../../../src/views/format';
import { PageHeader, Section } from '../components/layout';
import { useApp } from '../context';

/** Every KPI's definition: the catalogue and the config's custom KPIs. */
export function KpisPage() {
  const { kpis } = useApp();
  return (
    <>
      <PageHeader
        title="KPI definitions"
        lead="For a segment S and the KPI period P (the trailing 12 months to the as-of date, unless configured otherwise)."
      />
      <Section title={`${kpis.size} KPIs`}>
        <table className="data" data-testid="kpi-definitions">
          <thead>
            <tr>
              <th scope="col">KPI</th>
              <th scope="col">Definition</th>
              <th scope="col">Formula</th>
              <th scope="col">Unit</th>
              <th scope="col">Better</th>
              <th scope="col">Interval</th>
            </tr>
          </thead>
          <tbody>
            {[...kpis.values()].map((k) => (
              <tr key={k.name} id={`kpi-${k.name}`}>
                <th scope="row">
                  {kpiLabel(k.name)}
                  <div className="muted small">
                    <code>{k.name}</code>
                    {k.custom ? ' · custom' : ''}
                  </div>
                </th>
                <td>{k.description}</td>
                <td>
                  <code>{k.formula}</code>
                </td>
                <td>{k.unit}</td>
                <td>{k.direction}</td>
                <td>{k.interval}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </>
  );
}
