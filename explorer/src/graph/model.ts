// The graph explorer's model: nodes and edges gathered from `node(id)` queries, independent of
// cytoscape (which only draws what toElements() returns).

export type GType =
  | 'WORK_MODEL'
  | 'METHOD'
  | 'INITIATIVE'
  | 'OUTCOME'
  | 'TARGET_GROUP'
  | 'ORGANISATION'
  | 'PRECONDITION'
  | 'SOURCE'
  | 'OTHER';

export const GTYPES: GType[] = ['WORK_MODEL', 'METHOD', 'INITIATIVE', 'OUTCOME', 'TARGET_GROUP', 'ORGANISATION', 'PRECONDITION', 'SOURCE'];
export const STATUSES = ['CONFIRMED', 'INFERRED', 'CANDIDATE'] as const;

export type Rel = 'assigned' | 'claims' | 'targets' | 'runBy' | 'implements' | 'similar' | 'requires' | 'cites';

export interface GNode {
  id: string;
  type: GType;
  label: string;
  status?: string;
}

export interface GEdge {
  id: string;
  source: string;
  target: string;
  rel: Rel;
  status?: string;
  label?: string;
}

export interface GraphState {
  nodes: Map<string, GNode>;
  edges: Map<string, GEdge>;
  expanded: Set<string>;
  /** Per expanded node: its neighbours, most important first (work models, methods, outcomes, ...). */
  neighbours: Map<string, string[]>;
  /** Per expanded node: how many of its neighbours are shown (CAP at first, more on "show more"). */
  limit: Map<string, number>;
}

/** How many neighbours an expansion shows at first, and how many more each "show more" adds. */
export const CAP = 15;

export function emptyGraph(): GraphState {
  return { nodes: new Map(), edges: new Map(), expanded: new Set(), neighbours: new Map(), limit: new Map() };
}

const TYPE_RANK: Record<string, number> = { WORK_MODEL: 0, METHOD: 1, INITIATIVE: 2, OUTCOME: 3, TARGET_GROUP: 4, ORGANISATION: 5, PRECONDITION: 6, SOURCE: 7, OTHER: 8 };

// The neighbourhood query: one node with the typed relation fields of each node type.
const M = 'id kind status name(lang: $lang)';
const WM = 'id code status name(lang: $lang)';
export const NEIGHBOURHOOD_QUERY = `query Neighbourhood($id: ID!, $lang: Lang!) {
  node(id: $id) {
    __typename id
    ... on WorkModel { code status name(lang: $lang) assignments { status primary method { ${M} } } }
    ... on Method { kind status name(lang: $lang)
      workModels { status primary workModel { ${WM} } }
      targetGroups { id status label(lang: $lang) }
      organisations { id status name(lang: $lang) }
      implements { ${M} }
      implementedBy { ${M} }
      similarTo { ${M} }
      preconditions { status precondition { id status label(lang: $lang) } }
      claims(first: 100) { nodes { id status direction outcome { id status label(lang: $lang) } } }
      sources { id status title }
    }
    ... on Outcome { status label(lang: $lang) claims(first: 100) { nodes { id status direction method { ${M} } } } sources { id status title } }
    ... on TargetGroup { status label(lang: $lang) methods { ${M} } }
    ... on Organisation { status name(lang: $lang) initiatives { ${M} } }
    ... on Precondition { status label(lang: $lang) requiredBy { status subject { __typename id ... on Method { kind status name(lang: $lang) } ... on WorkModel { code status name(lang: $lang) } } } }
    ... on Source { status title citedBy { __typename ... on OutcomeClaim { status method { ${M} } } ... on Assignment { status method { ${M} } workModel { ${WM} } } ... on Requirement { status subject { __typename id ... on Method { kind status name(lang: $lang) } ... on WorkModel { code status name(lang: $lang) } } } } }
    ... on OutcomeClaim { status direction method { ${M} } outcome { id status label(lang: $lang) } sources { id status title } }
    ... on Concept { code label(lang: $lang) }
  }
}`;

/* eslint-disable @typescript-eslint/no-explicit-any */
type Any = any;

function methodNode(m: Any): GNode {
  return { id: m.id, type: m.kind === 'INITIATIVE' ? 'INITIATIVE' : 'METHOD', label: m.name ?? m.id, status: m.status };
}
function wmNode(w: Any): GNode {
  return { id: w.id, type: 'WORK_MODEL', label: w.code ? `${w.code} ${w.name ?? ''}`.trim() : (w.name ?? w.id), status: w.status };
}
function subjectNode(s: Any): GNode | null {
  if (!s) return null;
  if (s.__typename === 'Method') return methodNode(s);
  if (s.__typename === 'WorkModel') return wmNode(s);
  return null;
}

/** The node itself and its neighbours (with edges) from a `node(id)` answer. */
export function neighbourhood(n: Any): { center: GNode | null; nodes: GNode[]; edges: GEdge[] } {
  const nodes: GNode[] = [];
  const edges: GEdge[] = [];
  if (!n) return { center: null, nodes, edges };
  const edge = (source: string, target: string, rel: Rel, status?: string, label?: string) =>
    edges.push({ id: `${source}|${rel}|${target}`, source, target, rel, status, label });
  let center: GNode;
  switch (n.__typename) {
    case 'WorkModel':
      center = wmNode(n);
      for (const a of n.assignments ?? []) {
        nodes.push(methodNode(a.method));
        edge(a.method.id, n.id, 'assigned', a.status);
      }
      break;
    case 'Method':
      center = methodNode(n);
      for (const a of n.workModels ?? []) {
        nodes.push(wmNode(a.workModel));
        edge(n.id, a.workModel.id, 'assigned', a.status);
      }
      for (const t of n.targetGroups ?? []) {
        nodes.push({ id: t.id, type: 'TARGET_GROUP', label: t.label, status: t.status });
        edge(n.id, t.id, 'targets', t.status);
      }
      for (const o of n.organisations ?? []) {
        nodes.push({ id: o.id, type: 'ORGANISATION', label: o.name, status: o.status });
        edge(n.id, o.id, 'runBy', o.status);
      }
      for (const m of n.implements ?? []) {
        nodes.push(methodNode(m));
        edge(n.id, m.id, 'implements', m.status);
      }
      for (const m of n.implementedBy ?? []) {
        nodes.push(methodNode(m));
        edge(m.id, n.id, 'implements', m.status);
      }
      for (const m of n.similarTo ?? []) {
        nodes.push(methodNode(m));
        edge(n.id, m.id, 'similar', m.status);
      }
      for (const r of n.preconditions ?? []) {
        nodes.push({ id: r.precondition.id, type: 'PRECONDITION', label: r.precondition.label, status: r.precondition.status });
        edge(n.id, r.precondition.id, 'requires', r.status);
      }
      for (const c of n.claims?.nodes ?? []) {
        nodes.push({ id: c.outcome.id, type: 'OUTCOME', label: c.outcome.label, status: c.outcome.status });
        edge(n.id, c.outcome.id, 'claims', c.status, c.direction);
      }
      for (const s of n.sources ?? []) {
        nodes.push({ id: s.id, type: 'SOURCE', label: s.title, status: s.status });
        edge(n.id, s.id, 'cites', s.status);
      }
      break;
    case 'Outcome':
      center = { id: n.id, type: 'OUTCOME', label: n.label, status: n.status };
      for (const c of n.claims?.nodes ?? []) {
        nodes.push(methodNode(c.method));
        edge(c.method.id, n.id, 'claims', c.status, c.direction);
      }
      for (const s of n.sources ?? []) {
        nodes.push({ id: s.id, type: 'SOURCE', label: s.title, status: s.status });
        edge(n.id, s.id, 'cites', s.status);
      }
      break;
    case 'TargetGroup':
      center = { id: n.id, type: 'TARGET_GROUP', label: n.label, status: n.status };
      for (const m of n.methods ?? []) {
        nodes.push(methodNode(m));
        edge(m.id, n.id, 'targets', m.status);
      }
      break;
    case 'Organisation':
      center = { id: n.id, type: 'ORGANISATION', label: n.name, status: n.status };
      for (const m of n.initiatives ?? []) {
        nodes.push(methodNode(m));
        edge(m.id, n.id, 'runBy', m.status);
      }
      break;
    case 'Precondition':
      center = { id: n.id, type: 'PRECONDITION', label: n.label, status: n.status };
      for (const r of n.requiredBy ?? []) {
        const s = subjectNode(r.subject);
        if (!s) continue;
        nodes.push(s);
        edge(s.id, n.id, 'requires', r.status);
      }
      break;
    case 'Source':
      center = { id: n.id, type: 'SOURCE', label: n.title, status: n.status };
      for (const c of n.citedBy ?? []) {
        const subject = c.method ?? c.subject;
        const s = subject && (subject.__typename === 'WorkModel' ? wmNode(subject) : subject.kind ? methodNode(subject) : null);
        if (!s) continue;
        nodes.push(s);
        edge(s.id, n.id, 'cites', c.status);
        if (c.workModel) {
          nodes.push(wmNode(c.workModel));
          edge(s.id, c.workModel.id, 'assigned', c.status);
        }
      }
      break;
    case 'OutcomeClaim':
      center = { id: n.id, type: 'OTHER', label: n.direction ?? n.id, status: n.status };
      if (n.method) {
        nodes.push(methodNode(n.method));
        edge(n.method.id, n.id, 'claims', n.status);
      }
      if (n.outcome) {
        nodes.push({ id: n.outcome.id, type: 'OUTCOME', label: n.outcome.label, status: n.outcome.status });
        edge(n.id, n.outcome.id, 'claims', n.status);
      }
      for (const s of n.sources ?? []) {
        nodes.push({ id: s.id, type: 'SOURCE', label: s.title, status: s.status });
        edge(n.id, s.id, 'cites', s.status);
      }
      break;
    default:
      center = { id: n.id, type: 'OTHER', label: n.label ?? n.name ?? n.title ?? n.code ?? n.id, status: n.status };
  }
  return { center, nodes, edges };
}

/** Adds a node's neighbourhood to the graph and marks the node expanded. */
export function merge(state: GraphState, n: Any, cap = CAP): GraphState {
  const { center, nodes, edges } = neighbourhood(n);
  const next: GraphState = {
    nodes: new Map(state.nodes),
    edges: new Map(state.edges),
    expanded: new Set(state.expanded),
    neighbours: new Map(state.neighbours),
    limit: new Map(state.limit),
  };
  if (!center) return next;
  next.nodes.set(center.id, { ...next.nodes.get(center.id), ...center });
  for (const x of nodes) if (!next.nodes.has(x.id)) next.nodes.set(x.id, x);
  for (const e of edges) next.edges.set(e.id, e);
  next.expanded.add(center.id);
  const seen = new Set<string>();
  const order = nodes
    .filter((x) => x.id !== center.id && !seen.has(x.id) && (seen.add(x.id), true))
    .map((x, i) => ({ x, i }))
    .sort((a, b) => (TYPE_RANK[a.x.type] ?? 9) - (TYPE_RANK[b.x.type] ?? 9) || a.i - b.i)
    .map(({ x }) => x.id);
  next.neighbours.set(center.id, order);
  if (!next.limit.has(center.id)) next.limit.set(center.id, cap);
  return next;
}

/** Shows `cap` more neighbours of an expanded node. */
export function showMore(state: GraphState, id: string, cap = CAP): GraphState {
  const limit = new Map(state.limit);
  limit.set(id, (limit.get(id) ?? cap) + cap);
  return { ...state, limit };
}

/** The nodes the expansions reveal: the focus, every expanded node and the first `limit` neighbours of each. */
export function revealed(state: GraphState, focus?: string): Set<string> {
  const out = new Set<string>(state.expanded);
  if (focus) out.add(focus);
  for (const [c, list] of state.neighbours) for (const id of list.slice(0, state.limit.get(c) ?? CAP)) out.add(id);
  return out;
}

/** Per expanded node, how many of its neighbours no expansion reveals yet (only nodes > 0). */
export function hiddenCounts(state: GraphState, focus?: string): Map<string, number> {
  const shown = revealed(state, focus);
  const out = new Map<string, number>();
  for (const [c, list] of state.neighbours) {
    const n = list.filter((id) => !shown.has(id)).length;
    if (n > 0) out.set(c, n);
  }
  return out;
}

export interface GraphFilter {
  types: Set<string>;
  statuses: Set<string>;
}

export function isVisible(n: GNode, f: GraphFilter, focus?: string): boolean {
  if (n.id === focus) return true;
  if (!f.types.has(n.type) && n.type !== 'OTHER') return false;
  if (n.status && !f.statuses.has(n.status)) return false;
  return true;
}

function edgeAllowed(e: GEdge, f: GraphFilter): boolean {
  return !e.status || f.statuses.has(e.status);
}

/**
 * The nodes to draw: those revealed by the expansions (see CAP) that pass the type and status
 * filter and are still connected to the focus through links that pass the status filter (a
 * confirmed node reached only through a candidate link disappears with that link).
 */
export function visibleNodes(state: GraphState, f: GraphFilter, focus?: string): Set<string> {
  const shown = revealed(state, focus);
  const ok = new Set<string>();
  for (const n of state.nodes.values()) if (shown.has(n.id) && isVisible(n, f, focus)) ok.add(n.id);
  if (!focus || !ok.has(focus)) return ok;
  const adj = new Map<string, string[]>();
  for (const e of state.edges.values()) {
    if (!ok.has(e.source) || !ok.has(e.target) || !edgeAllowed(e, f)) continue;
    adj.set(e.source, [...(adj.get(e.source) ?? []), e.target]);
    adj.set(e.target, [...(adj.get(e.target) ?? []), e.source]);
  }
  const reach = new Set<string>([focus]);
  const queue = [focus];
  while (queue.length) {
    for (const m of adj.get(queue.shift()!) ?? []) if (!reach.has(m)) (reach.add(m), queue.push(m));
  }
  return reach;
}

export interface ElementDef {
  group: 'nodes' | 'edges';
  data: Record<string, string | undefined>;
  classes?: string;
}

/**
 * Cytoscape elements for the visible part of the graph. Methods and initiatives assigned to a
 * visible work model are drawn inside it (work models are compound nodes); the assignment edge is
 * then implied by the containment and not drawn.
 */
export function toElements(state: GraphState, f: GraphFilter, focus?: string): ElementDef[] {
  const visible = visibleNodes(state, f, focus);
  // Only methods and initiatives go inside a work model (outcomes, sources, ... stay outside), and
  // only through an assignment that passes the status filter.
  const parentOf = new Map<string, string>();
  for (const e of state.edges.values()) {
    if (e.rel !== 'assigned' || !visible.has(e.source) || !visible.has(e.target) || !edgeAllowed(e, f)) continue;
    const child = state.nodes.get(e.source);
    const parent = state.nodes.get(e.target);
    if (child && (child.type === 'METHOD' || child.type === 'INITIATIVE') && parent?.type === 'WORK_MODEL' && !parentOf.has(e.source)) parentOf.set(e.source, e.target);
  }
  const out: ElementDef[] = [];
  for (const n of state.nodes.values()) {
    if (!visible.has(n.id)) continue;
    const classes = [n.type.toLowerCase(), n.status?.toLowerCase() ?? '', state.expanded.has(n.id) ? 'expanded' : '', n.id === focus ? 'focus' : '']
      .filter(Boolean)
      .join(' ');
    out.push({ group: 'nodes', data: { id: n.id, label: n.label, type: n.type, status: n.status, parent: parentOf.get(n.id) }, classes });
  }
  for (const e of state.edges.values()) {
    if (!visible.has(e.source) || !visible.has(e.target) || !edgeAllowed(e, f)) continue;
    if (e.rel === 'assigned' && parentOf.get(e.source) === e.target) continue;
    out.push({ group: 'edges', data: { id: e.id, source: e.source, target: e.target, rel: e.rel, label: e.label, status: e.status }, classes: `${e.rel} ${e.status?.toLowerCase() ?? ''}`.trim() });
  }
  return out;
}
