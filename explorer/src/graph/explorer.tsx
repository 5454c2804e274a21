// The neighbourhood explorer: a cytoscape canvas (loaded lazily) plus an accessible list of the
// same nodes, each with a link to its page and an "expand" button.

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { gql, type ApiError } from '../lib/api';
import { ErrorBox, Loading, StatusBadge, useApp } from '../ui';
import { CAP, emptyGraph, GTYPES, hiddenCounts, merge, NEIGHBOURHOOD_QUERY, showMore, toElements, visibleNodes, type GraphFilter, type GraphState } from './model';
import type { GraphView } from './cy';

export interface ExplorerProps {
  focus: string;
  filter: GraphFilter;
  /** Nodes to expand on load besides the focus (from the URL). */
  open?: string[];
  onExpand?: (expanded: string[]) => void;
  compact?: boolean;
}

export function GraphExplorer({ focus, filter, open = [], onExpand, compact }: ExplorerProps) {
  const { t, L, nodeHref } = useApp();
  const [graph, setGraph] = useState<GraphState>(emptyGraph());
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [selected, setSelected] = useState<string | null>(focus);
  const [cyError, setCyError] = useState(false);
  const canvas = useRef<HTMLDivElement>(null);
  const view = useRef<GraphView | null>(null);
  const graphRef = useRef(graph);
  graphRef.current = graph;

  const fetchNode = async (id: string) => {
    const r = await gql<{ node: unknown }>(NEIGHBOURHOOD_QUERY, { id, lang: L });
    return r;
  };

  // (Re)load when the focus or language changes.
  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    setSelected(focus);
    (async () => {
      let g = emptyGraph();
      const first = await fetchNode(focus);
      if (!live) return;
      if (!first.data?.node) {
        setError(first.error ?? { kind: 'graphql', code: 'NOT_FOUND', message: 'not found', messages: [] });
        setLoading(false);
        return;
      }
      g = merge(g, first.data.node);
      for (const id of open.filter((x) => x !== focus).slice(0, 20)) {
        const r = await fetchNode(id);
        if (!live) return;
        if (r.data?.node) g = merge(g, r.data.node);
      }
      setGraph(g);
      setLoading(false);
    })();
    return () => {
      live = false;
    };
  }, [focus, L]);

  const expand = async (id: string) => {
    setSelected(id);
    view.current?.select(id);
    if (graphRef.current.expanded.has(id)) return;
    const r = await fetchNode(id);
    if (r.data?.node) {
      const g = merge(graphRef.current, r.data.node);
      setGraph(g);
      onExpand?.([...g.expanded]);
    }
  };

  const elements = useMemo(() => toElements(graph, filter, focus), [graph, filter, focus]);

  // Mount or update the canvas.
  useEffect(() => {
    if (loading || error || !canvas.current) return;
    if (view.current) {
      view.current.update(elements, focus);
      return;
    }
    let cancelled = false;
    import('./cy')
      .then((m) => {
        if (cancelled || !canvas.current) return;
        view.current = m.mountGraph(canvas.current, elements, (id) => void expand(id), focus);
        canvas.current.dataset.ready = '1';
      })
      .catch(() => setCyError(true));
    return () => {
      cancelled = true;
    };
  }, [elements, loading, error]);

  useEffect(
    () => () => {
      view.current?.destroy();
      view.current = null;
    },
    [],
  );

  if (error) return <ErrorBox error={error} />;
  const visibleSet = visibleNodes(graph, filter, focus);
  const shownNodes = [...graph.nodes.values()].filter((n) => visibleSet.has(n.id));
  const hidden = hiddenCounts(graph, focus);
  const centre = graph.nodes.get(focus);
  const edgesShown = elements.filter((e) => e.group === 'edges').length;
  const more = (id: string) => setGraph(showMore(graphRef.current, id));
  const H = compact ? 'h3' : 'h2';

  return (
    <div class={`graph-explorer${compact ? ' compact' : ''}`}>
      {loading && <Loading />}
      {cyError && <p class="error">{t('graph.loadError')}</p>}
      <div
        ref={canvas}
        class="graph-canvas"
        role="img"
        aria-label={t('graph.canvas', { name: centre?.label ?? focus, n: shownNodes.length })}
        data-testid="graph-canvas"
        data-nodes={shownNodes.length}
      ></div>
      <p class="small muted">
        {t('method.graphHelp')} {t('graph.capped', { n: CAP })}
      </p>
      {hidden.size > 0 && (
        <p class="graph-more" data-testid="graph-more">
          {[...hidden.entries()].map(([id, n]) => (
            <button key={id} type="button" onClick={() => more(id)} data-more={id}>
              {id === focus ? t('graph.more', { n }) : t('graph.moreOf', { name: graph.nodes.get(id)?.label ?? id, n })}
            </button>
          ))}
        </p>
      )}
      <Legend />
      <details class="graph-list" open={!compact}>
        <summary>
          {t('graph.nodes', { n: shownNodes.length })} · {t('graph.edges', { n: edgesShown })}
        </summary>
        {GTYPES.map((type) => {
          const list = shownNodes.filter((n) => n.type === type);
          if (list.length === 0) return null;
          return (
            <div key={type}>
              <H class="h4">{t(`type.${type}`)}</H>
              <ul class="node-list">
                {list.map((n) => (
                  <li key={n.id} class={n.id === selected ? 'selected' : ''} data-node={n.id}>
                    <a href={nodeHref(n.id)}>{n.label}</a> <StatusBadge status={n.status} />{' '}
                    {graph.expanded.has(n.id) ? (
                      <span class="muted small">({t('graph.expanded')})</span>
                    ) : (
                      <button type="button" class="link-button" onClick={() => void expand(n.id)} aria-label={`${t('graph.expand')}: ${n.label}`}>
                        {t('graph.expand')}
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            </div>
          );
        })}
      </details>
    </div>
  );
}

function Legend() {
  const { t } = useApp();
  return (
    <ul class="legend" aria-label={t('matrix.legend')}>
      {GTYPES.map((type) => (
        <li key={type}>
          <span class={`swatch swatch-${type.toLowerCase()}`} aria-hidden="true"></span>
          {t(`type.${type}`)}
        </li>
      ))}
      <li>
        <span class="swatch swatch-candidate" aria-hidden="true"></span>
        {t('status.CANDIDATE')}
      </li>
    </ul>
  );
}
