// The single-epoch page's state: the document, its runs (file and what-if), the rules selected,
// the view, sorting, the selected uid and the highlighting indexes, a chain snapshot's comparison.
// (Scenarios keep theirs in scenarios.js.)

export const state = {
  text: null, // the document as loaded
  label: '', // where it came from
  base: null, // analysis without overrides
  cur: null, // analysis shown (what-if or base)
  view: 'epoch', // 'epoch' | 'agg' | mechanism index
  sortKey: 'uid',
  sortDir: 1,
  selected: null, // uid shown in the miner chart and explained
  overrides: '', // the overrides JSON `cur` ran with (what-if values, assume_spec); baseOverrides for `base`
  baseOverrides: '', // '' — or, for an input newer than any reproduced runtime, the newest rules assumed
  assume: '', // the Rules selector: '' (as the input says) or the spec assumed
  defaultAssume: '', // the selector's value for `base` ('' unless the input is newer than any reproduced)
  limit: 1000, // rows rendered (a large subnet starts with ROW_LIMIT; `show …` raises it)
  flags: new Map(), // `${view}|${uid}` -> [{col, field, got, expected}]
  changed: new Map(), // `${view}|${uid}|${col}` -> baseline display value
  snapshot: false, // whether the document is a chain snapshot (is_snapshot)
  chain: null, // a snapshot's comparison (chain.js): {text, report, assume, own}
};
