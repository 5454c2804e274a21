import { useEffect, useMemo, useState } from 'preact/hooks';
import { gql, hasQueryField, type ApiError } from '../lib/api';
import { navigate, withQuery, listParam } from '../lib/router';
import {
  AXES, DIRECTIONS, ENUM_AXIS_VALUES, PALETTE, STUDY_DESIGNS, axisLabelsFromClaims, cellColours, cellKey, cellValue, computeMatrix, decodeCell,
  encodeCell, indexCells, isAxis, legendSteps, countGaps, type Axis, type AxisValue, type ClaimRow, type ColourBy, type Matrix, type MatrixCell, type TableMatrix, fromTable,
} from '../lib/matrix';
import { ErrorBox, Loading, PartialWarning, Scroll, useApp, useTitle } from '../ui';
import { CLAIM_FIELDS, ClaimsTable, type ClaimRowView } from './shared';

const SOURCE_TYPES = ENUM_AXIS_VALUES.SOURCE_TYPE!.codes;
const STATUSES = ['CONFIRMED', 'INFERRED', 'CANDIDATE'];

/** A filter select whose first option, "any", leaves the filter off. */
function AnySelect({ id, text, value, options, optionText, onPick }: {
  id: string; text: string; value: string | null | undefined; options: readonly string[]; optionText: (o: string) => string; onPick: (v: string) => void;
}) {
  const { t } = useApp();
  return (
    <div class="field">
      <label for={id}>{text}</label>
      <select id={id} value={value ?? ''} onChange={(e) => onPick((e.target as HTMLSelectElement).value)}>
        <option value="">{t('matrix.any')}</option>
        {options.map((o) => (
          <option value={o} key={o}>
            {optionText(o)}
          </option>
        ))}
      </select>
    </div>
  );
}

export const SERVER_MATRIX_QUERY = `query Matrix($rows: Axis!, $cols: Axis!, $filter: ClaimFilter, $lang: Lang!) {
  matrix(rows: $rows, columns: $cols, filter: $filter) {
    rows { key label(lang: $lang) }
    columns { key label(lang: $lang) }
    gaps
    table { row column claimCount sourceCount positive none negative mixed strongestDesign highestEvidenceLevel }
  }
}`;

export const SERVER_CELL_QUERY = `query MatrixCellClaims($rows: Axis!, $cols: Axis!, $filter: ClaimFilter, $lang: Lang!) {
  matrix(rows: $rows, columns: $cols, filter: $filter) {
    cells { row column claims(first: 100) { nodes { ${CLAIM_FIELDS} method { id kind name(lang: $lang) } outcome { id label(lang: $lang) domain } } } }
  }
}`;

// The client-side fallback: every claim with what the axes need.
export const CLIENT_CLAIMS_QUERY = `query MatrixClaims($filter: ClaimFilter, $after: String, $lang: Lang!) {
  claims(filter: $filter, first: 200, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      ${CLAIM_FIELDS}
      method {
        id kind name(lang: $lang)
        workModels { workModel { id } }
        actors { actorType }
        supportFunctions { code }
        regions { code }
        targetGroups { id label(lang: $lang) }
        preconditions { precondition { category } }
      }
      outcome { id label(lang: $lang) domain }
      sources { id type }
    }
  }
  workModels(first: 50) { nodes { id code name(lang: $lang) } }
}`;

type FullClaim = ClaimRow & ClaimRowView;

interface Loaded {
  matrix: Matrix;
  server: boolean;
  claims?: FullClaim[];
  error: ApiError | null;
}

export function MatrixPage() {
  const { t, L, lang, route, label } = useApp();
  useTitle(t('matrix.title'));
  const q = route.query;
  const rows: Axis = isAxis(q.rows) ? q.rows : 'WORK_MODEL';
  const cols: Axis = isAxis(q.cols) ? q.cols : 'OUTCOME_DOMAIN';
  const by: ColourBy = q.by === 'evidence' ? 'evidence' : 'sources';
  const directions = listParam(q.dir).filter((d) => (DIRECTIONS as readonly string[]).includes(d));
  const minDesign = (STUDY_DESIGNS as readonly string[]).includes(q.minDesign ?? '') ? q.minDesign : undefined;
  const status = STATUSES.includes(q.status ?? '') ? q.status : undefined;
  const sourceType = SOURCE_TYPES.includes(q.stype ?? '') ? q.stype : undefined;
  const selected = decodeCell(q.cell);

  const filter = useMemo(() => {
    const f: Record<string, unknown> = {};
    if (directions.length) f.direction = directions;
    if (minDesign) f.minDesign = minDesign;
    if (status) f.status = [status];
    if (sourceType) f.sourceType = [sourceType];
    return Object.keys(f).length ? f : null;
  }, [q.dir, minDesign, status, sourceType]);

  const [state, setState] = useState<{ loading: boolean; result: Loaded | null; error: ApiError | null }>({ loading: true, result: null, error: null });
  const [retry, setRetry] = useState(0);

  const labelOf = (axis: Axis, key: string, fromData?: Map<string, string>) => {
    const e = ENUM_AXIS_VALUES[axis];
    if (e) return label(e.scheme, key);
    return fromData?.get(key) ?? key.replace(/^kring:[a-z]+\//, '');
  };

  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    (async () => {
      const server = await hasQueryField('matrix');
      let partial: ApiError | null = null;
      if (server) {
        const r = await gql<{ matrix: TableMatrix }>(SERVER_MATRIX_QUERY, { rows, cols, filter, lang: L });
        if (!live) return;
        if (r.data?.matrix) return setState({ loading: false, result: { matrix: fromTable(r.data.matrix), server: true, error: r.error }, error: null });
        if (r.error?.kind !== 'graphql') return setState({ loading: false, result: null, error: r.error });
        // The server's matrix failed: compute it here instead, and say what went wrong.
        partial = r.error;
      }
      // Client-side computation from all claims (paged).
      const claims: FullClaim[] = [];
      let after: string | null = null;
      let wms: { id: string; code: string; name: string }[] = [];
      for (let page = 0; page < 50; page++) {
        const r: Awaited<ReturnType<typeof gql<{ claims: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: FullClaim[] }; workModels: { nodes: typeof wms } }>>> =
          await gql(CLIENT_CLAIMS_QUERY, { filter, after, lang: L });
        if (!live) return;
        if (!r.data?.claims) return setState({ loading: false, result: null, error: r.error });
        partial = partial ?? r.error;
        claims.push(...r.data.claims.nodes);
        if (r.data.workModels) wms = r.data.workModels.nodes;
        if (!r.data.claims.pageInfo.hasNextPage || !r.data.claims.pageInfo.endCursor) break;
        after = r.data.claims.pageInfo.endCursor;
      }
      const universe = (axis: Axis): AxisValue[] => {
        if (axis === 'WORK_MODEL') return wms.map((w) => ({ key: w.id, label: `${w.code} ${w.name}` }));
        const e = ENUM_AXIS_VALUES[axis];
        return e ? e.codes.map((c) => ({ key: c, label: label(e.scheme, c) })) : [];
      };
      const rl = axisLabelsFromClaims(rows, claims);
      const cl = axisLabelsFromClaims(cols, claims);
      const matrix = computeMatrix(claims, rows, cols, universe(rows), universe(cols), (axis, key) => labelOf(axis, key, axis === rows ? rl : cl));
      setState({ loading: false, result: { matrix, server: false, claims, error: partial }, error: null });
    })();
    return () => {
      live = false;
    };
  }, [rows, cols, JSON.stringify(filter), L, retry]);

  const go = (changes: Record<string, string | undefined>) => navigate(withQuery(route, changes), { replace: true });

  return (
    <>
      <h1>{t('matrix.title')}</h1>
      <p class="lead">{t('matrix.intro')}</p>
      <form class="matrix-controls" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="m-rows">{t('matrix.rows')}</label>
          <select id="m-rows" value={rows} onChange={(e) => go({ rows: (e.target as HTMLSelectElement).value, cell: undefined })}>
            {AXES.map((a) => (
              <option value={a} key={a}>
                {t(`axis.${a}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="m-cols">{t('matrix.cols')}</label>
          <select id="m-cols" value={cols} onChange={(e) => go({ cols: (e.target as HTMLSelectElement).value, cell: undefined })}>
            {AXES.map((a) => (
              <option value={a} key={a}>
                {t(`axis.${a}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="m-by">{t('matrix.colour')}</label>
          <select id="m-by" value={by} onChange={(e) => go({ by: (e.target as HTMLSelectElement).value === 'evidence' ? 'evidence' : undefined })}>
            <option value="sources">{t('matrix.colour.sources')}</option>
            <option value="evidence">{t('matrix.colour.evidence')}</option>
          </select>
        </div>
        <fieldset class="field">
          <legend>{t('f.direction')}</legend>
          {DIRECTIONS.map((d) => (
            <label key={d} class="check">
              <input
                type="checkbox"
                checked={directions.includes(d)}
                onChange={(e) => {
                  const on = (e.target as HTMLInputElement).checked;
                  const next = on ? [...directions, d] : directions.filter((x) => x !== d);
                  go({ dir: next.join(','), cell: undefined });
                }}
              />{' '}
              {t(`dir.${d}`)}
            </label>
          ))}
        </fieldset>
        <AnySelect id="m-design" text={t('matrix.minDesign')} value={minDesign} options={STUDY_DESIGNS} optionText={(d) => label('StudyDesign', d)}
          onPick={(v) => go({ minDesign: v, cell: undefined })} />
        <AnySelect id="m-status" text={t('f.status')} value={status} options={STATUSES} optionText={(s) => t(`status.${s}`)}
          onPick={(v) => go({ status: v, cell: undefined })} />
        <AnySelect id="m-stype" text={t('sources.filter.type')} value={sourceType} options={SOURCE_TYPES} optionText={(s) => label('SourceType', s)}
          onPick={(v) => go({ stype: v, cell: undefined })} />
      </form>

      {state.loading && !state.result && <Loading />}
      {state.error && <ErrorBox error={state.error} onRetry={() => setRetry((n) => n + 1)} />}
      {state.result && (
        <MatrixView
          key={`${rows}|${cols}|${lang}`}
          result={state.result}
          rows={rows}
          cols={cols}
          by={by}
          filter={filter}
          selected={selected}
          onSelect={(row, col) => go({ cell: row ? encodeCell(row, col!) : undefined })}
        />
      )}
    </>
  );
}

function MatrixView({
  result,
  rows,
  cols,
  by,
  filter,
  selected,
  onSelect,
}: {
  result: Loaded;
  rows: Axis;
  cols: Axis;
  by: ColourBy;
  filter: Record<string, unknown> | null;
  selected: { row: string; column: string } | null;
  onSelect: (row: string | null, col?: string) => void;
}) {
  const { t, label } = useApp();
  const m = result.matrix;
  const idx = useMemo(() => indexCells(m), [m]);
  const max = useMemo(() => Math.max(0, ...m.cells.map((c) => cellValue(c, by))), [m, by]);
  const gaps = result.server ? (m.gaps ?? countGaps(m)) : m.gaps;
  const rowLabel = new Map(m.rows.map((r) => [r.key, r.label]));
  const colLabel = new Map(m.columns.map((c) => [c.key, c.label]));
  const steps = legendSteps(by === 'evidence' ? STUDY_DESIGNS.length : max);

  return (
    <div class="matrix" data-testid="matrix" data-source={result.server ? 'server' : 'client'}>
      {!result.server && (
        <p class="info" role="note">
          {t('matrix.clientSide')}
        </p>
      )}
      <PartialWarning error={result.error} />
      <p data-testid="gaps">
        <strong>{t('matrix.gaps', { n: gaps })}</strong>
      </p>
      <div class="legend-row" aria-label={t('matrix.legend')} role="group">
        <span>{t('matrix.legend')} ({by === 'evidence' ? t('matrix.colour.evidence') : t('matrix.colour.sources')}):</span>
        <span class="legend-item">
          <span class="legend-swatch gap-swatch" aria-hidden="true"></span> {t('matrix.gap')}
        </span>
        {steps.map((s) => (
          <span class="legend-item" key={s.step}>
            <span class="legend-swatch" style={{ background: PALETTE[s.step] }} aria-hidden="true"></span>{' '}
            {by === 'evidence'
              ? STUDY_DESIGNS.slice(s.from - 1, s.to).map((d) => label('StudyDesign', d)).join(', ')
              : s.from === s.to
                ? s.from
                : `${s.from}–${s.to}`}
          </span>
        ))}
      </div>
      <Scroll label={t('matrix.caption', { rows: t(`axis.${rows}`), cols: t(`axis.${cols}`) })}>
        <table class="heatmap">
          <caption>{t('matrix.caption', { rows: t(`axis.${rows}`), cols: t(`axis.${cols}`) })}</caption>
          <thead>
            <tr>
              <td></td>
              {m.columns.map((c) => (
                <th scope="col" key={c.key}>
                  <span>{c.label}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {m.rows.map((r) => (
              <tr key={r.key}>
                <th scope="row">{r.label}</th>
                {m.columns.map((c) => {
                  const cell = idx.get(cellKey(r.key, c.key));
                  const v = cellValue(cell, by);
                  const colours = cellColours(v, by === 'evidence' ? STUDY_DESIGNS.length : max);
                  const empty = !cell || cell.claimCount === 0;
                  const isSel = selected?.row === r.key && selected?.column === c.key;
                  const desc = empty
                    ? `${r.label} × ${c.label}: ${t('matrix.gap')}`
                    : `${r.label} × ${c.label}: ${t('matrix.cell', { claims: cell!.claimCount, sources: cell!.sourceCount })}${cell!.strongestDesign ? `, ${t('matrix.strongest')}: ${label('StudyDesign', cell!.strongestDesign)}` : ''}`;
                  return (
                    <td key={c.key} class={empty ? 'gap' : 'filled'} style={colours ? { background: colours.bg, color: colours.fg } : undefined}>
                      <button
                        type="button"
                        class="cell-button"
                        aria-pressed={isSel}
                        title={desc}
                        data-row={r.key}
                        data-col={c.key}
                        data-claims={cell?.claimCount ?? 0}
                        onClick={() => onSelect(r.key, c.key)}
                      >
                        <span class="visually-hidden">{r.label} × {c.label}: </span>
                        {empty ? (
                          <>
                            <span aria-hidden="true">·</span>
                            <span class="visually-hidden">{t('matrix.gap')}</span>
                          </>
                        ) : (
                          <>
                            {cell!.claimCount}
                            <small>/{cell!.sourceCount}</small>
                            <span class="visually-hidden">
                              {' '}
                              ({t('matrix.cell', { claims: cell!.claimCount, sources: cell!.sourceCount })}
                              {cell!.strongestDesign ? `, ${t('matrix.strongest')}: ${label('StudyDesign', cell!.strongestDesign)}` : ''})
                            </span>
                          </>
                        )}
                      </button>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </Scroll>
      <p class="small muted">{t('matrix.cellContent')}</p>
      {selected && (
        <CellDetails
          result={result}
          rows={rows}
          cols={cols}
          filter={filter}
          row={selected.row}
          column={selected.column}
          rowLabel={rowLabel.get(selected.row) ?? selected.row}
          colLabel={colLabel.get(selected.column) ?? selected.column}
          cell={idx.get(cellKey(selected.row, selected.column))}
          onClose={() => onSelect(null)}
        />
      )}
    </div>
  );
}

function CellDetails({
  result, rows, cols, filter, row, column, rowLabel, colLabel, cell, onClose,
}: {
  result: Loaded; rows: Axis; cols: Axis; filter: Record<string, unknown> | null; row: string; column: string; rowLabel: string; colLabel: string; cell?: MatrixCell; onClose: () => void;
}) {
  const { t, L, label } = useApp();
  const [claims, setClaims] = useState<ClaimRowView[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    let live = true;
    setClaims(null);
    if (!cell || cell.claimCount === 0) {
      setClaims([]);
      return;
    }
    if (!result.server) {
      const ids = new Set(cell.claimIds ?? []);
      setClaims((result.claims ?? []).filter((c) => ids.has(c.id)));
      return;
    }
    gql<{ matrix: { cells: { row: string; column: string; claims: { nodes: ClaimRowView[] } }[] } }>(SERVER_CELL_QUERY, { rows, cols, filter, lang: L }).then((r) => {
      if (!live) return;
      const c = r.data?.matrix.cells.find((x) => x.row === row && x.column === column);
      if (c) setClaims(c.claims.nodes);
      else setError(r.error ?? { kind: 'graphql', code: 'NOT_FOUND', message: 'not found', messages: [] });
    });
    return () => {
      live = false;
    };
  }, [row, column, cell]);
  return (
    <section class="cell-details" aria-labelledby="cell-h" data-testid="cell-details">
      <h2 id="cell-h" tabIndex={-1}>
        {t('matrix.cellTitle', { row: rowLabel, col: colLabel })}
      </h2>
      <button type="button" onClick={onClose}>
        {t('matrix.close')}
      </button>
      {cell && cell.claimCount > 0 && (
        <p>
          {t('matrix.cell', { claims: cell.claimCount, sources: cell.sourceCount })} — {t('dir.POSITIVE')}: {cell.positive}, {t('dir.NONE')}: {cell.none},{' '}
          {t('dir.NEGATIVE')}: {cell.negative}, {t('dir.MIXED')}: {cell.mixed}
          {cell.strongestDesign && `; ${t('matrix.strongest')}: ${label('StudyDesign', cell.strongestDesign)}`}
          {cell.highestEvidenceLevel && `; ${t('f.evidenceLevel')}: ${label('EvidenceLevel', cell.highestEvidenceLevel)}`}
        </p>
      )}
      {error && <ErrorBox error={error} />}
      {!claims && !error && <Loading />}
      {claims && claims.length === 0 && <p>{t('matrix.noClaims')}</p>}
      {claims && claims.length > 0 && <ClaimsTable claims={claims} show="both" />}
    </section>
  );
}
