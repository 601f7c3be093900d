import { useEffect, useId, useRef, useState } from 'react';
import { kpiLabel } from '../../../src/views/format';
import { useApp } from '../context';

/**
 * A KPI's name with its definition one click (or Enter) away: unit, which direction is better,
 * the formula and a description, from the catalogue the server serves.
 */
export function KpiName({ kpi, short = false }: { kpi: string; short?: boolean }) {
  return (
    <span className="kpi-name">
      <span>{kpiLabel(kpi)}</span>
      <KpiInfo kpi={kpi} short={short} />
    </span>
  );
}

/** The definition button of a KPI alone (for places whose label is already written, e.g. a sortable header). */
export function KpiInfo({ kpi, short = false }: { kpi: string; short?: boolean }) {
  const { kpis } = useApp();
  const def = kpis.get(kpi);
  const [open, setOpen] = useState(false);
  const id = useId();
  const box = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !box.current?.contains(e.target as Node))
        setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);
  return (
    <span className="kpi-info" ref={box}>
      {def ? (
        <>
          <button
            type="button"
            className="info"
            aria-label={`Definition of ${kpiLabel(kpi)}`}
            aria-expanded={open}
            aria-controls={id}
            onClick={(e) => {
              e.stopPropagation();
              setOpen(!open);
            }}
          >
            i
          </button>
          {open ? (
            <span className="definition" id={id} role="note">
              <strong>{kpiLabel(kpi)}</strong>
              {short ? null : <span className="muted"> ({kpi})</span>}
              <span className="definition-line">{def.description}</span>
              <span className="definition-line">
                <code>{def.formula}</code>
              </span>
              <span className="definition-line muted">
                Unit: {def.unit} · {def.direction === 'higher' ? 'higher is better' : 'lower is better'}
                {def.interval !== 'none' ? ` · 95 % interval: ${def.interval}` : ''}
              </span>
            </span>
          ) : null}
        </>
      ) : null}
    </span>
  );
}
