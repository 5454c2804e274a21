// Shared UI pieces: the app context (route, language, translations, vocabulary labels), data
// hooks, links, status badges, source lists, loading and error states.

import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import { apiLang, errorMessageKey, gql, type ApiError, type Result } from './lib/api';
import { codeLabel, translate } from './lib/i18n';
import { buildUrl, type Lang, type Query, type Route } from './lib/router';
import { idToPath, parseId } from './lib/ids';
import { getFeatures, type Features } from './lib/features';

import type { Concepts } from './lib/concepts';
export type { Concepts };

export interface AppCtx {
  route: Route;
  lang: Lang;
  concepts: Concepts;
}

export const Ctx = createContext<AppCtx>(null as unknown as AppCtx);

export function useApp() {
  const ctx = useContext(Ctx);
  const { lang } = ctx;
  const t = (key: string, vars?: Record<string, string | number>) => translate(lang, key, vars);
  const label = (scheme: string, code: string | null | undefined) => codeLabel(lang, scheme, code, ctx.concepts);
  const href = (path: string, query?: Query) => buildUrl(path, query, lang);
  const nodeHref = (id: string) => buildUrl(idToPath(id), {}, lang);
  return { ...ctx, t, label, href, nodeHref, L: apiLang(lang) };
}

export interface QueryState<T> extends Result<T> {
  loading: boolean;
  retry: () => void;
}

let knownFeatures: Features | null = null;

/** The server's optional API features (null until known; fetched once per page load). */
export function useFeatures(): Features | null {
  const [f, setF] = useState<Features | null>(knownFeatures);
  useEffect(() => {
    if (f) return;
    let live = true;
    getFeatures().then((x) => {
      knownFeatures = x;
      if (live) setF(x);
    });
    return () => {
      live = false;
    };
  }, []);
  return f;
}

/**
 * Adapts a query to the server: where curator notes take a language (`note(lang:)`, no fallback),
 * every bare `note` asks for the page language.
 */
export function adaptQuery(query: string, f: Features): string {
  return f.noteLang && /\$lang:\s*Lang/.test(query) ? query.replace(/\bnote\b(?!\s*\()/g, 'note(lang: $lang)') : query;
}

/** Runs a query when its text or variables change (adapted to the server's features). */
export function useQuery<T>(rawQuery: string | ((f: Features) => string) | null, variables: Record<string, unknown> = {}): QueryState<T> {
  const features = useFeatures();
  const query = rawQuery && features ? adaptQuery(typeof rawQuery === 'function' ? rawQuery(features) : rawQuery, features) : null;
  const [state, setState] = useState<Result<T> & { loading: boolean }>({ data: null, error: null, loading: !!rawQuery });
  const [nonce, setNonce] = useState(0);
  const key = JSON.stringify(variables);
  useEffect(() => {
    if (!query) return;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    gql<T>(query, variables, { fresh: nonce > 0 }).then((r) => {
      if (live) setState({ ...r, loading: false });
    });
    return () => {
      live = false;
    };
  }, [query, key, nonce]);
  return { ...state, retry: () => setNonce((n) => n + 1) };
}

/** Sets the document title. */
export function useTitle(title: string | null | undefined) {
  const { t } = useApp();
  useEffect(() => {
    document.title = title ? `${title} · ${t('app.name')}` : t('app.title');
  }, [title]);
}

export function Loading() {
  const { t } = useApp();
  return (
    <p class="loading" role="status" aria-live="polite" data-state="loading">
      <span class="spinner" aria-hidden="true"></span> {t('state.loading')}
    </p>
  );
}

export function ErrorBox({ error, onRetry }: { error: ApiError; onRetry?: () => void }) {
  const { t } = useApp();
  const { key, vars } = errorMessageKey(error);
  return (
    <div class="error" role="alert" data-state="error" data-code={error.code ?? error.kind}>
      <p>
        <strong>{t('err.title')}:</strong> {t(key, vars)}
      </p>
      {onRetry && error.code !== 'NOT_FOUND' && (
        <button type="button" onClick={onRetry}>
          {t('err.retry')}
        </button>
      )}
    </div>
  );
}

/** A warning for partial results (data plus errors). */
export function PartialWarning({ error }: { error: ApiError | null }) {
  const { t } = useApp();
  if (!error || error.messages.length === 0) return null;
  return (
    <div class="warning" role="status">
      <p>{t('err.partial')}</p>
      <ul>
        {[...new Set(error.messages)].slice(0, 5).map((m) => (
          <li key={m}>{m}</li>
        ))}
      </ul>
    </div>
  );
}

/**
 * Renders a query's loading, error and data states. `pick` selects the root object; a null root
 * means NOT_FOUND.
 */
export function QueryView<T, R>({
  state,
  pick,
  children,
  page,
}: {
  state: QueryState<T>;
  pick: (d: T) => R | null | undefined;
  children: (r: R) => ComponentChildren;
  /** The view is a whole page: loading and error states get a page heading. */
  page?: boolean;
}) {
  const { t } = useApp();
  if (state.loading && !state.data) {
    return page ? (
      <>
        <h1 class="visually-hidden">{t('state.loading')}</h1>
        <Loading />
      </>
    ) : (
      <Loading />
    );
  }
  const root = state.data ? pick(state.data) : null;
  if (root == null) {
    const err = state.error ?? { kind: 'graphql' as const, code: 'NOT_FOUND', message: 'not found', messages: [] };
    return (
      <>
        {page && <h1>{err.code === 'NOT_FOUND' ? t('err.notFoundTitle') : t('err.title')}</h1>}
        <ErrorBox error={err} onRetry={state.retry} />
      </>
    );
  }
  return (
    <>
      <PartialWarning error={state.error} />
      {children(root)}
    </>
  );
}

export function StatusBadge({ status, long }: { status?: string | null; long?: boolean }) {
  const { t } = useApp();
  if (!status) return null;
  const text = long || status === 'CANDIDATE' ? t(`status.${status}.long`) : t(`status.${status}`);
  return (
    <span class={`badge badge-${status.toLowerCase()}`} data-status={status} title={t(`status.${status}.long`)}>
      {text}
    </span>
  );
}

export function NodeLink({ id, children }: { id: string; children: ComponentChildren }) {
  const { nodeHref } = useApp();
  return <a href={nodeHref(id)}>{children}</a>;
}

export interface SourceRef {
  id: string;
  title: string;
  year?: number | null;
  url?: string | null;
  status?: string;
}

/** Links to the sources of a claim (each to its /source page). */
export function SourceLinks({ sources }: { sources?: SourceRef[] | null }) {
  const { t } = useApp();
  if (!sources || sources.length === 0) return null;
  return (
    <span class="sources">
      <span class="visually-hidden">{t('f.sources')}: </span>
      {sources.map((s, i) => (
        <span key={s.id}>
          {i > 0 && '; '}
          <NodeLink id={s.id}>
            {s.title}
            {s.year ? ` (${s.year})` : ''}
          </NodeLink>
        </span>
      ))}
    </span>
  );
}

/** A full list of sources with external links. */
export function SourceList({ sources }: { sources?: SourceRef[] | null }) {
  const { t } = useApp();
  if (!sources || sources.length === 0) return <p class="muted">{t('none')}</p>;
  return (
    <ul class="source-list">
      {sources.map((s) => (
        <li key={s.id}>
          <NodeLink id={s.id}>{s.title}</NodeLink>
          {s.year ? ` (${s.year})` : ''} {s.status && s.status !== 'CONFIRMED' && <StatusBadge status={s.status} />}
          {s.url && (
            <>
              {' '}
              <ExtLink href={s.url}>{hostOf(s.url)}</ExtLink>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host.replace(/^www\./, '');
  } catch {
    return url;
  }
}

export function ExtLink({ href, children }: { href: string; children: ComponentChildren }) {
  return (
    <a href={href} rel="noopener noreferrer" data-external="">
      {children}
      <span aria-hidden="true"> ↗</span>
    </a>
  );
}

export function Section({ id, title, children, count }: { id: string; title: string; count?: number; children: ComponentChildren }) {
  return (
    <section aria-labelledby={`h-${id}`} class="section" id={id}>
      <h2 id={`h-${id}`}>
        {title}
        {count !== undefined && <span class="count"> ({count})</span>}
      </h2>
      {children}
    </section>
  );
}

/** A horizontally scrollable, keyboard-focusable region for wide tables (usable at 360 px). */
export function Scroll({ label, children }: { label: string; children: ComponentChildren }) {
  const { t } = useApp();
  return (
    <div class="scroll" role="region" aria-label={`${label} (${t('table')})`} tabIndex={0}>
      {children}
    </div>
  );
}

/** The kind (`method`, `source`...) of an id, for CSS and tests. */
export function kindOf(id: string): string {
  return parseId(id)?.kind ?? 'node';
}

/** Moves focus to the page heading after navigation (for screen-reader and keyboard users). */
export function useFocusHeading(ready: boolean, dep: unknown) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (ready && ref.current && document.body.dataset.navigated === '1') ref.current.focus({ preventScroll: true });
  }, [ready, dep]);
  return ref;
}

export function Dl({ items }: { items: [string, ComponentChildren | null | undefined | false][] }) {
  const shown = items.filter(([, v]) => v !== null && v !== undefined && v !== false && v !== '' && !(Array.isArray(v) && v.length === 0));
  if (shown.length === 0) return null;
  return (
    <dl class="record">
      {shown.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function DirectionBadge({ direction }: { direction: string }) {
  const { t } = useApp();
  const sym: Record<string, string> = { POSITIVE: '+', NONE: '0', NEGATIVE: '−', MIXED: '±' };
  return (
    <span class={`dir dir-${direction.toLowerCase()}`} data-direction={direction}>
      <span aria-hidden="true">{sym[direction] ?? '?'} </span>
      {t(`dir.${direction}`)}
    </span>
  );
}
