import { useId, useState, type FormEvent } from 'react';
import { getToken, setToken } from '../api';

/** Where a token is pasted (kept for this browser session only). */
export function TokenForm() {
  const id = useId();
  const [value, setValue] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (value.trim()) setToken(value.trim());
  };
  return (
    <form className="token-form" onSubmit={submit}>
      <label htmlFor={id}>API token</label>
      <input
        id={id}
        type="password"
        autoComplete="off"
        placeholder="st_…"
        value={value}
        onChange={(e) => setValue(e.target.value)}
      />
      <button type="submit">Use token</button>
      {getToken() ? (
        <button type="button" className="secondary" onClick={() => setToken(null)}>
          Forget token
        </button>
      ) : null}
      <p className="muted small">
        Create one with <code>segtrack token create --role viewer</code>. It is kept in this tab only.
      </p>
    </form>
  );
}
