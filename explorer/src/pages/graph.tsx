import { useMemo } from 'preact/hooks';
import { currentRoute, listParam, navigate, withQuery } from '../lib/router';
import { GraphExplorer } from '../graph/explorer';
import { GTYPES, STATUSES } from '../graph/model';
import { QueryView, StatusBadge, useApp, useQuery, useTitle } from '../ui';
import { shortId } from '../lib/ids';

const PICK_QUERY = `query GraphPick($lang: Lang!) { workModels(first: 50) { nodes { id code status name(lang: $lang) } } }`;

export function GraphPage() {
  const { t, L, route, href } = useApp();
  useTitle(t('graph.title'));
  const q = route.query;
  const focus = q.focus;
  const types = listParam(q.types).filter((x) => (GTYPES as string[]).includes(x));
  const statuses = listParam(q.status).filter((x) => (STATUSES as readonly string[]).includes(x));
  const filter = useMemo(
    () => ({ types: new Set<string>(types.length ? types : GTYPES), statuses: new Set<string>(statuses.length ? statuses : STATUSES) }),
    [q.types, q.status],
  );
  const pick = useQuery<{ workModels: { nodes: { id: string; code: string; status: string; name: string }[] } }>(focus ? null : PICK_QUERY, { lang: L });
  const set = (key: 'types' | 'status', all: readonly string[], current: Set<string>, value: string, on: boolean) => {
    const next = all.filter((x) => (x === value ? on : current.has(x)));
    navigate(withQuery(route, { [key]: next.length === all.length ? undefined : next.join(',') }), { replace: true });
  };

  return (
    <>
      <h1>{t('graph.title')}</h1>
      <p class="lead">{t('graph.intro')}</p>
      {!focus ? (
        <>
          <p>{t('graph.pick')}</p>
          <QueryView state={pick} pick={(d) => d.workModels}>
            {(wms) => (
              <ul class="plain">
                {wms.nodes.map((w) => (
                  <li key={w.id}>
                    <a href={href('/graph', { focus: w.id })}>
                      {w.code} {w.name}
                    </a>{' '}
                    <StatusBadge status={w.status} />
                  </li>
                ))}
              </ul>
            )}
          </QueryView>
        </>
      ) : (
        <>
          <p>
            {t('graph.focus')}: <code>{shortId(focus)}</code> · <a href={href('/graph')}>{t('graph.reset')}</a>
          </p>
          <form class="graph-filters" onSubmit={(e) => e.preventDefault()}>
            <fieldset>
              <legend>{t('graph.types')}</legend>
              {GTYPES.map((ty) => (
                <label key={ty} class="check">
                  <input type="checkbox" checked={filter.types.has(ty)} onChange={(e) => set('types', GTYPES, filter.types, ty, (e.target as HTMLInputElement).checked)} />{' '}
                  {t(`type.${ty}`)}
                </label>
              ))}
            </fieldset>
            <fieldset>
              <legend>{t('graph.statuses')}</legend>
              {STATUSES.map((s) => (
                <label key={s} class="check">
                  <input type="checkbox" checked={filter.statuses.has(s)} onChange={(e) => set('status', STATUSES, filter.statuses, s, (e.target as HTMLInputElement).checked)} />{' '}
                  {t(`status.${s}`)}
                </label>
              ))}
            </fieldset>
          </form>
          <GraphExplorer
            key={focus}
            focus={focus}
            filter={filter}
            open={listParam(q.open)}
            onExpand={(ids) => navigate(withQuery(currentRoute(), { open: ids.filter((x) => x !== focus).join(',') }), { replace: true })}
          />
        </>
      )}
    </>
  );
}
