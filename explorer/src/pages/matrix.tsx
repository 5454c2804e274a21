import { useEffect, useMemo, useState } from 'preact/hooks';
import { gql, type ApiError } from '../lib/api';
import { navigate, withQuery } from '../lib/router';
import {
  AXES, DIRECTIONS, DIRECTION_COLOUR, DIRECTION_SYMBOL, ENUM_AXIS_VALUES, STUDY_DESIGNS, THIN, barSegments, cellColours, cellKey, directionLean, directionParts,
  downloadText, encodeCell, fromTable, indexCells, legendEntries, matrixFilter, matrixQuery, matrixState, matrixSvg,
  type AxisValue, type ConfidenceLevel, type Matrix, type MatrixCell, type MatrixState, type TableMatrix,
} from '../lib/matrix';
import { DirectionBadge, ErrorBox, Loading, NodeLink, PartialWarning, Scroll, SourceLinks, StatusBadge, useApp, useTitle } from '../ui';
import { CLAIM_FIELDS, Note, type ClaimRowView } from './shared';

const SOURCE_TYPES = ENUM_AXIS_VALUES.SOURCE_TYPE!.codes;

const MATRIX_ARGS = '$rows: Axis!, $cols: Axis!, $filter: ClaimFilter, $terms: TermMode, $via: Boolean, $lang: Lang!';
const MATRIX_CALL = 'matrix(rows: $rows, columns: $cols, filter: $filter, terms: $terms, viaImplementations: $via)';
const AXIS_VALUE = 'key label(lang: $lang) isNone status broader depth';

export const MATRIX_QUERY = `query Matrix(${MATRIX_ARGS}) {
  ${MATRIX_CALL} {
    rows { ${AXIS_VALUE} }
    columns { ${AXIS_VALUE} }
    gaps
    table { row column claimCount sourceCount positive none negative mixed strongestDesign highestEvidenceLevel confidence viaCount unconfirmedCount }
  }
}`;

export const MATRIX_CSV_QUERY = `query MatrixCsv(${MATRIX_ARGS}) { ${MATRIX_CALL} { csv(lang: $lang) } }`;

export const MATRIX_CELL_QUERY = `query MatrixCellClaims(${MATRIX_ARGS}, $row: ID!, $column: ID!) {
  ${MATRIX_CALL} {
    cell(row: $row, column: $column) {
      row column
      confidence { level explanation(lang: $lang) }
      claims(first: 100) {
        totalCount
        edges {
          via { id kind name(lang: $lang) }
          node { ${CLAIM_FIELDS} confidence { level explanation(lang: $lang) } method { id kind name(lang: $lang) } outcome { id label(lang: $lang) domain } }
        }
      }
    }
  }
}`;

interface CellClaim extends ClaimRowView {
  confidence: { level: ConfidenceLevel; explanation: string[] };
  via: { id: string; kind: string; name: string } | null;
}

/** The variables of the matrix queries for a page state. */
function variables(s: MatrixState, lang: string) {
  return { rows: s.rows, cols: s.cols, filter: matrixFilter(s), terms: s.terms, via: s.via, lang };
}

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

function Check({ id, checked, text, onChange }: { id: string; checked: boolean; text: string; onChange: (on: boolean) => void }) {
  return (
    <label class="check" for={id}>
      <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange((e.target as HTMLInputElement).checked)} /> {text}
    </label>
  );
}

export function MatrixPage() {
  const { t, L, lang, route, label } = useApp();
  useTitle(t('matrix.title'));
  const s = matrixState(route.query);
  const vars = variables(s, L);
  const varsKey = JSON.stringify(vars);

  const [state, setState] = useState<{ loading: boolean; matrix: Matrix | null; error: ApiError | null }>({ loading: true, matrix: null, error: null });
  const [retry, setRetry] = useState(0);

  useEffect(() => {
    let live = true;
    setState((st) => ({ ...st, loading: true }));
    gql<{ matrix: TableMatrix }>(MATRIX_QUERY, vars, { fresh: retry > 0 }).then((r) => {
      if (!live) return;
      if (r.data?.matrix) setState({ loading: false, matrix: fromTable(r.data.matrix), error: r.error });
      else setState({ loading: false, matrix: null, error: r.error });
    });
    return () => {
      live = false;
    };
  }, [varsKey, retry]);

  const go = (changes: Partial<MatrixState>) => navigate(withQuery(route, matrixQuery({ ...s, cell: null, ...changes })), { replace: true });

  return (
    <>
      <h1>{t('matrix.title')}</h1>
      <p class="lead">{t('mx.intro')}</p>
      <form class="matrix-controls" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="m-rows">{t('matrix.rows')}</label>
          <select id="m-rows" value={s.rows} onChange={(e) => go({ rows: (e.target as HTMLSelectElement).value as MatrixState['rows'] })}>
            {AXES.map((a) => (
              <option value={a} key={a}>
                {t(`axis.${a}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="m-cols">{t('matrix.cols')}</label>
          <select id="m-cols" value={s.cols} onChange={(e) => go({ cols: (e.target as HTMLSelectElement).value as MatrixState['cols'] })}>
            {AXES.map((a) => (
              <option value={a} key={a}>
                {t(`axis.${a}`)}
              </option>
            ))}
          </select>
        </div>
        <fieldset class="field">
          <legend>{t('matrix.colour')}</legend>
          {(['confidence', 'count'] as const).map((b) => (
            <label key={b} class="check">
              <input type="radio" name="m-by" value={b} checked={s.by === b} onChange={() => go({ by: b, cell: s.cell })} /> {t(`mx.by.${b}`)}
            </label>
          ))}
        </fieldset>
        <fieldset class="field">
          <legend>{t('f.direction')}</legend>
          {DIRECTIONS.map((d) => (
            <label key={d} class="check">
              <input
                type="checkbox"
                checked={s.directions.includes(d)}
                onChange={(e) => {
                  const on = (e.target as HTMLInputElement).checked;
                  go({ directions: on ? [...s.directions, d] : s.directions.filter((x) => x !== d) });
                }}
              />{' '}
              <span aria-hidden="true">{DIRECTION_SYMBOL[d]} </span>
              {t(`dir.${d}`)}
            </label>
          ))}
        </fieldset>
        <AnySelect id="m-design" text={t('matrix.minDesign')} value={s.minDesign} options={STUDY_DESIGNS} optionText={(d) => label('StudyDesign', d)}
          onPick={(v) => go({ minDesign: (v || undefined) as MatrixState['minDesign'] })} />
        <AnySelect id="m-stype" text={t('sources.filter.type')} value={s.sourceType} options={SOURCE_TYPES} optionText={(c) => label('SourceType', c)}
          onPick={(v) => go({ sourceType: v || undefined })} />
        <fieldset class="field toggles">
          <legend>{t('mx.count')}</legend>
          <Check id="m-confirmed" checked={s.confirmedOnly} text={t('mx.confirmedOnly')} onChange={(on) => go({ confirmedOnly: on })} />
          <Check id="m-via" checked={s.via} text={t('mx.via')} onChange={(on) => go({ via: on })} />
          <Check id="m-terms" checked={s.terms === 'ROLLED_UP'} text={t('mx.rolledUp')} onChange={(on) => go({ terms: on ? 'ROLLED_UP' : 'AS_CODED' })} />
        </fieldset>
      </form>

      {state.loading && !state.matrix && <Loading />}
      {state.error && !state.matrix && <ErrorBox error={state.error} onRetry={() => setRetry((n) => n + 1)} />}
      {state.matrix && (
        <MatrixView key={`${s.rows}|${s.cols}|${lang}`} matrix={state.matrix} error={state.error} s={s} vars={vars}
          onSelect={(cell) => navigate(withQuery(route, matrixQuery({ ...s, cell })), { replace: true })} />
      )}
    </>
  );
}

/** The words that describe a cell, for its accessible name and its tooltip. */
function useCellText() {
  const { t, label } = useApp();
  return (r: AxisValue, c: AxisValue, cell: MatrixCell | undefined): string => {
    const head = `${r.label} × ${c.label}: `;
    if (!cell || cell.claimCount === 0) return head + t('matrix.gap');
    const parts = [t('matrix.cell', { claims: cell.claimCount, sources: cell.sourceCount })];
    parts.push(`${t('f.direction')}: ${directionParts(cell).map((p) => `${p.count} ${t(`dir.${p.direction}`)}`).join(', ')}`);
    if (cell.confidence) parts.push(`${t('mx.confidence')}: ${t(`conf.${cell.confidence}`)}`);
    if (cell.strongestDesign) parts.push(`${t('matrix.strongest')}: ${label('StudyDesign', cell.strongestDesign)}`);
    if (cell.unconfirmedCount > 0) parts.push(t('mx.unconfirmedN', { n: cell.unconfirmedCount }));
    if (cell.viaCount > 0) parts.push(t('mx.viaN', { n: cell.viaCount }));
    return head + parts.join('; ');
  };
}

function AxisHead({ v }: { v: AxisValue }) {
  const { t } = useApp();
  return (
    <>
      <span class="axis-label">{v.label}</span>
      {v.status === 'CANDIDATE' && (
        <span class="tag tag-candidate" title={t('status.CANDIDATE.long')}>
          {t('status.CANDIDATE')}
        </span>
      )}
    </>
  );
}

function MatrixView({ matrix: m, error, s, vars, onSelect }: {
  matrix: Matrix; error: ApiError | null; s: MatrixState; vars: ReturnType<typeof variables>; onSelect: (cell: MatrixState['cell']) => void;
}) {
  const { t, lang } = useApp();
  const idx = useMemo(() => indexCells(m), [m]);
  const maxCount = useMemo(() => Math.max(0, ...m.cells.map((c) => c.claimCount)), [m]);
  const cellText = useCellText();
  const caption = t('matrix.caption', { rows: t(`axis.${s.rows}`), cols: t(`axis.${s.cols}`) });
  const legend = legendEntries(s.by, maxCount, (l) => t(`conf.${l}`));
  const legendTitle = s.by === 'confidence' ? t('mx.legend.confidence') : t('mx.legend.count');
  const [csvState, setCsvState] = useState<'idle' | 'busy' | ApiError>('idle');
  const selected = s.cell;
  const rowOf = new Map(m.rows.map((r) => [r.key, r]));
  const colOf = new Map(m.columns.map((c) => [c.key, c]));

  const downloadCsv = async () => {
    setCsvState('busy');
    const r = await gql<{ matrix: { csv: string } }>(MATRIX_CSV_QUERY, vars);
    if (!r.data?.matrix) return setCsvState(r.error ?? { kind: 'graphql', message: 'no data', messages: [] });
    downloadText(`kring-matrix-${s.rows.toLowerCase()}-${s.cols.toLowerCase()}-${lang}.csv`, '\uFEFF' + r.data.matrix.csv, 'text/csv;charset=utf-8');
    setCsvState('idle');
  };
  const downloadSvg = () => {
    const directions = Object.fromEntries(DIRECTIONS.map((d) => [d, t(`dir.${d}`)])) as Record<(typeof DIRECTIONS)[number], string>;
    const svg = matrixSvg(m, s.by, { title: caption, legendTitle, legend, directions, unconfirmed: t('mx.unconfirmed'), candidate: `(${t('status.CANDIDATE')})` });
    downloadText(`kring-matrix-${s.rows.toLowerCase()}-${s.cols.toLowerCase()}-${lang}.svg`, svg, 'image/svg+xml');
  };

  return (
    <div class="matrix" data-testid="matrix" data-by={s.by}>
      <PartialWarning error={error} />
      <p data-testid="gaps">
        <strong>{t('matrix.gaps', { n: m.gaps })}</strong>
      </p>
      <div class="legend-block" role="group" aria-label={t('matrix.legend')} data-testid="legend">
        <p class="legend-row">
          <strong>{legendTitle}</strong>
          {legend.map((e) => (
            <span class="legend-item" key={e.text}>
              <span class="legend-swatch" style={{ background: e.colour }} aria-hidden="true"></span> {e.text}
            </span>
          ))}
          <span class="legend-item">
            <span class="legend-swatch gap-swatch" aria-hidden="true"></span> {t('matrix.gap')}
          </span>
        </p>
        <p class="legend-row">
          <strong>{t('mx.legend.direction')}</strong>
          {DIRECTIONS.map((d) => (
            <span class="legend-item" key={d}>
              <span class="dir-sym" style={{ color: DIRECTION_COLOUR[d] }} aria-hidden="true">{DIRECTION_SYMBOL[d]}</span>
              <span class="legend-bar" style={{ background: DIRECTION_COLOUR[d] }} aria-hidden="true"></span> {t(`dir.${d}`)}
            </span>
          ))}
        </p>
        <p class="legend-row small">
          <span class="legend-item"><span aria-hidden="true">*</span> {t('mx.legend.unconfirmed')}</span>
          <span class="legend-item"><span class="tag tag-candidate">{t('status.CANDIDATE')}</span> {t('mx.legend.candidate')}</span>
          {s.via && <span class="legend-item">{t('mx.legend.via')}</span>}
        </p>
      </div>
      <p class="downloads">
        <button type="button" onClick={downloadCsv} disabled={csvState === 'busy'} data-testid="matrix-csv">
          {t('mx.csv')}
        </button>{' '}
        <button type="button" onClick={downloadSvg} data-testid="matrix-svg">
          {t('mx.svg')}
        </button>
      </p>
      {typeof csvState === 'object' && <ErrorBox error={csvState} />}
      <Scroll label={caption}>
        <table class="heatmap">
          <caption>{caption}</caption>
          <thead>
            <tr>
              <td class="corner"></td>
              {m.columns.map((c) => (
                <th scope="col" key={c.key} class={`${c.isNone ? 'none-value' : ''} ${c.status === 'CANDIDATE' ? 'candidate' : ''}`} data-col={c.key}>
                  <span class="col-head" title={c.broader ? `${c.label} ⊂ ${colOf.get(c.broader)?.label ?? ''}` : undefined}>
                    {c.depth ? <span aria-hidden="true" class="muted">↳ </span> : null}
                    <AxisHead v={c} />
                  </span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {m.rows.map((r) => (
              <tr key={r.key} class={r.isNone ? 'none-value' : undefined}>
                <th scope="row" data-row={r.key} data-depth={r.depth ?? 0} class={r.status === 'CANDIDATE' ? 'candidate' : undefined}
                  style={r.depth ? { paddingLeft: `${0.3 + r.depth * 1.1}rem` } : undefined}>
                  {r.depth ? <span aria-hidden="true" class="muted">↳ </span> : null}
                  <AxisHead v={r} />
                </th>
                {m.columns.map((c) => {
                  const cell = idx.get(cellKey(r.key, c.key));
                  const empty = !cell || cell.claimCount === 0;
                  const colours = cellColours(cell, s.by, maxCount);
                  const isSel = selected?.row === r.key && selected?.column === c.key;
                  const desc = cellText(r, c, cell);
                  return (
                    <td key={c.key} class={empty ? 'gap' : `filled${cell!.unconfirmedCount > 0 ? ' unconfirmed' : ''}`}
                      style={colours ? { background: colours.bg, color: colours.fg } : undefined}>
                      <button type="button" class="cell-button" aria-pressed={isSel} title={desc} data-row={r.key} data-col={c.key}
                        data-claims={cell?.claimCount ?? 0} data-sources={cell?.sourceCount ?? 0} data-lean={directionLean(cell) ?? ''}
                        data-confidence={cell?.confidence ?? ''} onClick={() => onSelect({ row: r.key, column: c.key })}>
                        <span class="visually-hidden">{desc}</span>
                        {empty ? (
                          <span aria-hidden="true">·</span>
                        ) : (
                          <span aria-hidden="true" class="cell-vis">
                            <span class="n">
                              {cell!.claimCount}
                              {cell!.unconfirmedCount > 0 && <span class="star">*</span>}
                            </span>
                            <span class="dirs">
                              {directionParts(cell!).map((p) => (
                                <span key={p.direction} class="dir-count" data-direction={p.direction} style={{ color: p.colour }}>
                                  {p.symbol}
                                  {THIN}
                                  {p.count}
                                </span>
                              ))}
                              <span class="bar">
                                {barSegments(cell!).map((b) => (
                                  <span key={b.direction} style={{ width: `${(b.fraction * 100).toFixed(1)}%`, background: b.colour }}></span>
                                ))}
                              </span>
                            </span>
                          </span>
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
      <p class="small muted">{t('mx.cellContent')}</p>
      {selected && (
        <CellDetails vars={vars} row={rowOf.get(selected.row)} column={colOf.get(selected.column)} selected={selected}
          cell={idx.get(cellKey(selected.row, selected.column))} onClose={() => onSelect(null)} />
      )}
    </div>
  );
}

function CellDetails({ vars, row, column, selected, cell, onClose }: {
  vars: ReturnType<typeof variables>; row?: AxisValue; column?: AxisValue; selected: { row: string; column: string }; cell?: MatrixCell; onClose: () => void;
}) {
  const { t, label } = useApp();
  // `for`: the cell (row~column) the data belongs to, so that a stale list is never taken as current.
  const [data, setData] = useState<{ for: string; claims: CellClaim[]; total: number; confidence: { level: string; explanation: string[] } | null } | null>(null);
  const cellId = encodeCell(selected.row, selected.column);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    let live = true;
    setData(null);
    setError(null);
    if (!cell || cell.claimCount === 0) {
      setData({ for: cellId, claims: [], total: 0, confidence: null });
      return;
    }
    type Resp = { matrix: { cell: { row: string; column: string; confidence: { level: string; explanation: string[] }; claims: { totalCount: number; edges: { via: CellClaim['via']; node: CellClaim }[] } } | null } };
    // Only the opened cell is asked for (Matrix.cell), not every cell's claims.
    gql<Resp>(MATRIX_CELL_QUERY, { ...vars, row: selected.row, column: selected.column }).then((r) => {
      if (!live) return;
      const c = r.data?.matrix.cell;
      if (c) setData({ for: cellId, claims: c.claims.edges.map((e) => ({ ...e.node, via: e.via })), total: c.claims.totalCount, confidence: c.confidence });
      else setError(r.error ?? { kind: 'graphql', code: 'NOT_FOUND', message: 'not found', messages: [] });
    });
    return () => {
      live = false;
    };
  }, [selected.row, selected.column, cell]);
  return (
    <section class="cell-details" aria-labelledby="cell-h" data-testid="cell-details" data-loaded={data?.for === cellId ? cellId : undefined}>
      <h2 id="cell-h" tabIndex={-1}>
        {t('matrix.cellTitle', { row: row?.label ?? '', col: column?.label ?? '' })}
      </h2>
      <button type="button" onClick={onClose}>
        {t('matrix.close')}
      </button>
      {cell && cell.claimCount > 0 && (
        <p data-testid="cell-summary">
          {t('matrix.cell', { claims: cell.claimCount, sources: cell.sourceCount })} — {directionParts(cell).map((p) => `${t(`dir.${p.direction}`)}: ${p.count}`).join(', ')}
          {cell.strongestDesign && `; ${t('matrix.strongest')}: ${label('StudyDesign', cell.strongestDesign)}`}
          {cell.highestEvidenceLevel && `; ${t('f.evidenceLevel')}: ${label('EvidenceLevel', cell.highestEvidenceLevel)}`}
          {cell.unconfirmedCount > 0 && `; ${t('mx.unconfirmedN', { n: cell.unconfirmedCount })}`}
          {cell.viaCount > 0 && `; ${t('mx.viaN', { n: cell.viaCount })}`}
        </p>
      )}
      {data?.confidence && (
        <div class="confidence-box">
          <p>
            <strong>{t('mx.confidence')}:</strong> <ConfidenceBadge level={data.confidence.level} />
          </p>
          {data.confidence.explanation.length > 0 && (
            <ul class="small">
              {data.confidence.explanation.map((e) => (
                <li key={e}>{e}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {error && <ErrorBox error={error} />}
      {!data && !error && <Loading />}
      {data && data.claims.length === 0 && <p>{t('matrix.noClaims')}</p>}
      {data && data.claims.length > 0 && <CellClaims claims={data.claims} />}
      {data && data.total > data.claims.length && <p class="muted">{t('mx.moreClaims', { n: data.total - data.claims.length })}</p>}
    </section>
  );
}

export function ConfidenceBadge({ level }: { level: string | null | undefined }) {
  const { t } = useApp();
  if (!level) return null;
  return (
    <span class={`badge conf conf-${level.toLowerCase()}`} data-confidence={level}>
      {t(`conf.${level}`)}
    </span>
  );
}

/** The claims of a cell: what they are about, direction, design, confidence (with why) and how they count. */
function CellClaims({ claims }: { claims: CellClaim[] }) {
  const { t, label } = useApp();
  return (
    <Scroll label={t('matrix.cellClaims')}>
      <table class="data claims">
        <thead>
          <tr>
            <th scope="col">{t('f.method')}</th>
            <th scope="col">{t('f.outcome')}</th>
            <th scope="col">{t('f.direction')}</th>
            <th scope="col">{t('f.design')}</th>
            <th scope="col">{t('mx.confidence')}</th>
            <th scope="col">{t('f.what')}</th>
            <th scope="col">{t('f.status')}</th>
            <th scope="col">{t('f.sources')}</th>
          </tr>
        </thead>
        <tbody>
          {claims.map((c) => (
            <tr key={c.id} data-claim={c.id} data-direction={c.direction}>
              <td>
                {c.method && <NodeLink id={c.method.id}>{c.method.name}</NodeLink>}
                {c.via && (
                  <div class="small via" data-via={c.via.id}>
                    {t('mx.throughInitiative')} <NodeLink id={c.via.id}>{c.via.name}</NodeLink>
                  </div>
                )}
              </td>
              <td>
                {c.outcome && <NodeLink id={c.outcome.id}>{c.outcome.label}</NodeLink>}
                {c.outcome && <div class="muted small">{label('OutcomeDomain', c.outcome.domain)}</div>}
              </td>
              <td>
                <DirectionBadge direction={c.direction} />
              </td>
              <td>
                {c.design ? label('StudyDesign', c.design) : t('unknown')}
                {c.sampleSize ? <div class="small">n = {c.sampleSize}</div> : null}
              </td>
              <td>
                <ConfidenceBadge level={c.confidence?.level} />
                {c.confidence?.explanation.length ? (
                  <details class="small why">
                    <summary>{t('mx.why')}</summary>
                    <ul class="plain">
                      {c.confidence.explanation.map((e) => (
                        <li key={e}>{e}</li>
                      ))}
                    </ul>
                  </details>
                ) : null}
              </td>
              <td>
                {c.text}
                {c.population && <div class="small muted">{c.population}</div>}
                <Note note={c.note} />
              </td>
              <td>
                <StatusBadge status={c.status} />
              </td>
              <td>
                <SourceLinks sources={c.sources} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Scroll>
  );
}
