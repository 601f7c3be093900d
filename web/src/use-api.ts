import { useEffect, useState } from 'react';
import { ApiFailure, get, onTokenChange } from './api';

/** Where a fetch stands. */
export type Loaded<T> =
  { state: 'loading' } | { state: 'error'; error: ApiFailure } | { state: 'ready'; data: T };

/** Fetches `path` (null: nothing yet) and follows it as it changes; fetched again when the token changes. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [result, setResult] = useState<{ path: string | null; loaded: Loaded<T> }>({
    path: null,
    loaded: { state: 'loading' },
  });
  const [generation, setGeneration] = useState(0);
  useEffect(() => onTokenChange(() => setGeneration((g) => g + 1)), []);
  useEffect(() => {
    if (path === null) return;
    let live = true;
    get<T>(path).then(
      (data) => live && setResult({ path, loaded: { state: 'ready', data } }),
      (e: unknown) =>
        live &&
        setResult({
          path,
          loaded: {
            state: 'error',
            error:
              e instanceof ApiFailure
                ? e
                : new ApiFailure(0, 'client', e instanceof Error ? e.message : String(e)),
          },
        }),
    );
    return () => {
      live = false;
    };
  }, [path, generation]);
  return result.path === path ? result.loaded : { state: 'loading' };
}
