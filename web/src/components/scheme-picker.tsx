import { useId } from 'react';
import type { SchemeSummary } from '../../../src/server/api-types';

/** Picks a scheme (the page keeps it in its address). */
export function SchemePicker({
  schemes,
  value,
  onChange,
  label = 'Scheme',
}: {
  schemes: SchemeSummary[];
  value: string;
  onChange: (scheme: string) => void;
  label?: string;
}) {
  const id = useId();
  const current = schemes.find((s) => s.name === value);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} data-testid="scheme-picker">
        {schemes.map((s) => (
          <option key={s.name} value={s.name}>
            {s.name} ({s.type.replace('_', ' ')}, {s.segments.length} segments)
          </option>
        ))}
      </select>
      {current ? <span className="muted small">{current.description}</span> : null}
    </div>
  );
}

/** A labelled select over plain options. */
export function Select({
  label,
  value,
  options,
  onChange,
  testId,
}: {
  label: string;
  value: string;
  options: { value: string; label: string }[];
  onChange: (v: string) => void;
  testId?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
