import type { ReactNode } from 'react';
import type { ApiFailure } from '../api';
import type { Loaded } from '../use-api';
import { TokenForm } from './token-form';

/** A placeholder while data loads (announced to screen readers). */
export function Loading({ what = 'data' }: { what?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </div>
  );
}

/** Nothing to show, and why; `children` may say what to do. */
export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty" data-testid="empty">
      <strong>{title}</strong>
      {children ? <div className="state-detail">{children}</div> : null}
    </div>
  );
}

/** A failed request: what the server said, its hint, and for a missing or refused token a way to give one. */
export function ErrorState({ error }: { error: ApiFailure }) {
  const needsToken = error.status === 401;
  const forbidden = error.status === 403;
  const noData = error.code === 'no_snapshots';
  return (
    <div className={`state ${noData ? 'state-empty' : 'state-error'}`} role="alert" data-testid="error">
      <strong>
        {needsToken
          ? 'This dashboard needs a token'
          : forbidden
            ? 'Your token cannot see this'
            : noData
              ? 'Nothing to show yet'
              : 'Something went wrong'}
      </strong>
      <div className="state-detail">{error.message}</div>
      {error.hint ? <div className="state-hint">{error.hint}</div> : null}
      {needsToken || forbidden ? <TokenForm /> : null}
    </div>
  );
}

/** Renders `loaded` once ready, else its loading or error state. */
export function Show<T>({
  loaded,
  what,
  children,
}: {
  loaded: Loaded<T>;
  what?: string;
  children: (data: T) => ReactNode;
}) {
  if (loaded.state === 'loading') return <Loading {...(what ? { what } : {})} />;
  if (loaded.state === 'error') return <ErrorState error={loaded.error} />;
  return <>{children(loaded.data)}</>;
}
