import { describe, expect, it } from 'vitest';
import {
  CONFIDENCE_PALETTE, COUNT_PALETTE, DIRECTION_COLOUR, barSegments, cellColours, cellKey, colourStep, contrast, decodeCell, directionLean, directionParts,
  clip, directionText, encodeCell, escapeXml, fromTable, indexCells, isAxis, legendEntries, legendSteps, matrixFilter, matrixQuery, matrixState, matrixSvg,
  textColourOn, type Matrix, type MatrixCell,
} from './matrix';

const WM1 = 'kring:workmodel/persoonlijke-competentieversterking';
const WM2 = 'kring:workmodel/persoonlijk-netwerk';

function cell(over: Partial<MatrixCell>): MatrixCell {
  return {
    row: WM1, column: 'LONELINESS_ISOLATION', claimCount: 1, sourceCount: 1, positive: 0, none: 0, negative: 0, mixed: 0,
    strongestDesign: null, highestEvidenceLevel: null, confidence: 'LOW', viaCount: 0, unconfirmedCount: 0, ...over,
  };
}

describe('fromTable', () => {
  it('turns the server table into cells, entry by entry, with confidence, via and unconfirmed counts', () => {
    const m = fromTable({
      rows: [{ key: WM1, label: 'wm1' }, { key: 'none', label: 'geen werkmodel', isNone: true, depth: 0 }],
      columns: [{ key: 'LONELINESS_ISOLATION', label: 'l' }, { key: 'PARENTING_CHILD', label: 'p' }],
      gaps: 2,
      table: {
        row: [0, 1], column: [1, 0], claimCount: [2, 3], sourceCount: [1, 2], positive: [0, 2], none: [1, 0], negative: [1, 0], mixed: [0, 1],
        strongestDesign: ['RCT', null], highestEvidenceLevel: [null, 'GOED_ONDERBOUWD'], confidence: ['MODERATE', 'VERY_LOW'], viaCount: [2, 0], unconfirmedCount: [0, 3],
      },
    });
    expect(m.gaps).toBe(2);
    expect(m.cells).toEqual([
      cell({ row: WM1, column: 'PARENTING_CHILD', claimCount: 2, none: 1, negative: 1, strongestDesign: 'RCT', confidence: 'MODERATE', viaCount: 2 }),
      cell({ row: 'none', claimCount: 3, sourceCount: 2, positive: 2, mixed: 1, highestEvidenceLevel: 'GOED_ONDERBOUWD', confidence: 'VERY_LOW', unconfirmedCount: 3 }),
    ]);
    expect(indexCells(m).get(cellKey('none', 'LONELINESS_ISOLATION'))?.claimCount).toBe(3);
  });
});

describe('colour scale: count or confidence, never direction', () => {
  it('maps counts to five steps; empty cells have no colour', () => {
    expect(colourStep(0, 10)).toBe(-1);
    expect(colourStep(1, 10)).toBe(0);
    expect(colourStep(10, 10)).toBe(4);
    expect(colourStep(5, 10)).toBe(2);
    expect(colourStep(20, 10)).toBe(4);
    expect(colourStep(1, 1)).toBe(4);
    expect(cellColours(undefined, 'count', 5)).toBeNull();
    expect(cellColours(cell({ claimCount: 0 }), 'confidence', 5)).toBeNull();
    expect(cellColours(cell({ claimCount: 5 }), 'count', 5)?.bg).toBe(COUNT_PALETTE[4]);
  });
  it('maps confidence levels to four steps, weakest palest', () => {
    expect(cellColours(cell({ confidence: 'VERY_LOW' }), 'confidence', 1)?.bg).toBe(CONFIDENCE_PALETTE[0]);
    expect(cellColours(cell({ confidence: 'HIGH' }), 'confidence', 1)?.bg).toBe(CONFIDENCE_PALETTE[3]);
    expect(cellColours(cell({ confidence: null }), 'confidence', 1)).toBeNull();
  });
  it('a negative cell and a positive cell of the same count and confidence get the same fill (colour is not direction)', () => {
    const neg = cell({ negative: 1, confidence: 'HIGH' });
    const pos = cell({ positive: 1, confidence: 'HIGH' });
    for (const by of ['count', 'confidence'] as const) expect(cellColours(neg, by, 3)).toEqual(cellColours(pos, by, 3));
  });
  it('text on every step contrasts at least 4.5:1', () => {
    for (const bg of [...COUNT_PALETTE, ...CONFIDENCE_PALETTE]) expect(contrast(bg, textColourOn(bg))).toBeGreaterThanOrEqual(4.5);
    expect(textColourOn('#ffffff')).toBe('#000000');
    expect(textColourOn('#000000')).toBe('#ffffff');
    expect(contrast('#ffffff', '#000000')).toBeCloseTo(21, 0);
  });
  it('legend: count groups values by step; confidence lists the four levels', () => {
    expect(legendSteps(10)).toEqual([
      { step: 0, from: 1, to: 2 },
      { step: 1, from: 3, to: 4 },
      { step: 2, from: 5, to: 6 },
      { step: 3, from: 7, to: 8 },
      { step: 4, from: 9, to: 10 },
    ]);
    expect(legendSteps(2)).toEqual([
      { step: 2, from: 1, to: 1 },
      { step: 4, from: 2, to: 2 },
    ]);
    expect(legendSteps(0)).toEqual([]);
    expect(legendEntries('count', 2, String)).toEqual([
      { colour: COUNT_PALETTE[2], text: '1' },
      { colour: COUNT_PALETTE[4], text: '2' },
    ]);
    expect(legendEntries('confidence', 9, (l) => `c:${l}`).map((e) => e.text)).toEqual(['c:VERY_LOW', 'c:LOW', 'c:MODERATE', 'c:HIGH']);
  });
});

describe('direction encoding', () => {
  it('lists the non-zero directions with symbols, in a fixed order', () => {
    const c = cell({ claimCount: 4, positive: 2, negative: 1, mixed: 1 });
    expect(directionParts(c).map((p) => `${p.symbol}${p.count}`)).toEqual(['+2', '−1', '±1']);
    expect(directionText(c)).toBe('+\u20092 −\u20091 ±\u20091');
    expect(directionText(cell({ none: 3, claimCount: 3 }))).toBe('0\u20093');
  });
  it('negative is red-ish, positive green-ish, and every direction colour reads on white', () => {
    const rgb = (h: string) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
    const [pr, pg] = rgb(DIRECTION_COLOUR.POSITIVE);
    const [nr, ng] = rgb(DIRECTION_COLOUR.NEGATIVE);
    expect(pg).toBeGreaterThan(pr);
    expect(nr).toBeGreaterThan(ng);
    for (const c of Object.values(DIRECTION_COLOUR)) expect(contrast(c, '#ffffff')).toBeGreaterThanOrEqual(4.5);
  });
  it('leans one way only when all claims agree; a negative cell never leans positive', () => {
    expect(directionLean(cell({ negative: 1 }))).toBe('NEGATIVE');
    expect(directionLean(cell({ positive: 3, claimCount: 3 }))).toBe('POSITIVE');
    expect(directionLean(cell({ positive: 3, negative: 1, claimCount: 4 }))).toBe('MIXED');
    expect(directionLean(cell({ negative: 1, none: 1, claimCount: 2 }))).toBe('MIXED');
    expect(directionLean(cell({ mixed: 1 }))).toBe('MIXED');
    expect(directionLean(cell({ claimCount: 0 }))).toBeNull();
    expect(directionLean(undefined)).toBeNull();
  });
  it('split bar: shares sum to one, each in its direction colour', () => {
    const segs = barSegments(cell({ claimCount: 4, positive: 1, none: 1, negative: 2 }));
    expect(segs.map((s) => [s.direction, s.fraction])).toEqual([['POSITIVE', 0.25], ['NONE', 0.25], ['NEGATIVE', 0.5]]);
    expect(segs[2].colour).toBe(DIRECTION_COLOUR.NEGATIVE);
    expect(barSegments(cell({ claimCount: 0 }))).toEqual([]);
  });
});

describe('URL state', () => {
  it('defaults: work model × outcome domain, coloured by confidence, rolled up, through implementations', () => {
    expect(matrixState({})).toEqual({
      rows: 'WORK_MODEL', cols: 'OUTCOME_DOMAIN', by: 'confidence', directions: [], minDesign: undefined, sourceType: undefined,
      confirmedOnly: false, terms: 'ROLLED_UP', via: true, cell: null,
    });
    expect(matrixFilter(matrixState({}))).toBeNull();
  });
  it('round-trips every setting and drops unknown values', () => {
    const q = { rows: 'ACTOR_TYPE', cols: 'REGION', by: 'count', dir: 'NEGATIVE,POSITIVE', minDesign: 'RCT', stype: 'GREY_BE', confirmed: '1', terms: 'coded', via: '0', cell: `${WM2}~BE` };
    const s = matrixState(q);
    expect(matrixQuery(s)).toEqual(q);
    expect(matrixFilter(s)).toEqual({ direction: ['NEGATIVE', 'POSITIVE'], minDesign: 'RCT', sourceType: ['GREY_BE'], confirmedOnly: true });
    const bad = matrixState({ rows: 'NOPE', by: 'colour', dir: 'UP,NONE,NONE', minDesign: 'GUESS', stype: 'X', confirmed: 'yes', via: 'no' });
    expect(bad).toMatchObject({ rows: 'WORK_MODEL', by: 'confidence', directions: ['NONE'], minDesign: undefined, sourceType: undefined, confirmedOnly: false, via: true });
    expect(Object.values(matrixQuery(matrixState({}))).filter(Boolean)).toEqual(['WORK_MODEL', 'OUTCOME_DOMAIN']);
  });
  it('encodes the selected cell', () => {
    expect(decodeCell(encodeCell(WM2, 'HOUSING'))).toEqual({ row: WM2, column: 'HOUSING' });
    expect(decodeCell('nonsense')).toBeNull();
    expect(decodeCell(undefined)).toBeNull();
    expect(isAxis('WORK_MODEL')).toBe(true);
    expect(isAxis('NOPE')).toBe(false);
  });
});

describe('SVG image', () => {
  const m: Matrix = {
    rows: [
      { key: WM1, label: 'competentie & netwerk <1>' },
      { key: WM2, label: 'persoonlijk netwerk', status: 'CANDIDATE' },
      { key: 'none', label: 'geen werkmodel', isNone: true },
    ],
    columns: [{ key: 'LONELINESS_ISOLATION', label: 'eenzaamheid' }, { key: 'PARENTING_CHILD', label: 'opvoeding' }],
    cells: [
      cell({ row: WM2, column: 'PARENTING_CHILD', claimCount: 2, negative: 1, none: 1, confidence: 'HIGH' }),
      cell({ row: 'none', column: 'LONELINESS_ISOLATION', claimCount: 3, mixed: 2, positive: 1, confidence: 'VERY_LOW', unconfirmedCount: 3 }),
    ],
    gaps: 4,
  };
  const text = { title: 'Werkmodel × uitkomstdomein', legendTitle: 'Kleur = zekerheid', legend: legendEntries('confidence', 3, (l) => l.toLowerCase()), directions: { POSITIVE: 'positief', NONE: 'geen effect', NEGATIVE: 'negatief', MIXED: 'gemengd' }, unconfirmed: 'niet bevestigd', candidate: '(kandidaat)' };
  const svg = matrixSvg(m, 'confidence', text);

  it('is a standalone, escaped SVG document', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('competentie &amp; netwerk &lt;1&gt;');
    expect(svg).not.toContain('<1>');
    expect(escapeXml(`a"b'c`)).toBe('a&quot;b&apos;c');
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(clip('abc', 4)).toBe('abc');
  });
  it('draws each filled cell with the same numbers, colours and direction marks as the table', () => {
    const groups = [...svg.matchAll(/<g data-row="([^"]+)" data-col="([^"]+)">([\s\S]*?)<\/g>/g)];
    expect(groups.map((g) => [g[1], g[2]])).toEqual([[WM2, 'PARENTING_CHILD'], ['none', 'LONELINESS_ISOLATION']]);
    const neg = groups[0][3];
    expect(neg).toContain(`fill="${CONFIDENCE_PALETTE[3]}"`);
    expect(neg).toMatch(/font-weight="700" fill="#ffffff">2</);
    expect(neg).toContain(`fill="${DIRECTION_COLOUR.NEGATIVE}">−\u20091</text>`);
    expect(neg).toContain(`fill="${DIRECTION_COLOUR.NONE}">0\u20091</text>`);
    expect(neg).not.toContain(DIRECTION_COLOUR.POSITIVE);
    const unconfirmed = groups[1][3];
    expect(unconfirmed).toContain('>3*</text>');
    expect(unconfirmed).toContain('stroke-dasharray');
    expect(unconfirmed).toContain(`fill="${DIRECTION_COLOUR.MIXED}">±\u20092</text>`);
  });
  it('draws the gaps, marks candidates and the none row, and carries the legend', () => {
    expect((svg.match(/stroke-dasharray="3 2"/g) ?? []).length).toBe(4);
    expect(svg).toContain('persoonlijk netwerk (kandidaat)');
    expect(svg).toMatch(/font-style="italic">geen werkmodel</);
    expect(svg).toContain('Kleur = zekerheid');
    expect(svg).toContain(`fill="${DIRECTION_COLOUR.NEGATIVE}">− negatief</text>`);
    expect(svg).toContain('* niet bevestigd');
    for (const c of CONFIDENCE_PALETTE) expect(svg).toContain(`fill="${c}" stroke="#8a96a3"`);
  });
});
