// Scores the tests and the benchmarks share.

/** Adjusted Rand index of two labelings of the same items (any label values); 1 when identical. */
export function adjustedRandIndex(a, b) {
  const table = new Map();
  const rows = new Map();
  const cols = new Map();
  const inc = (m, key) => m.set(key, (m.get(key) ?? 0) + 1);
  a.forEach((x, i) => {
    inc(table, `${x},${b[i]}`);
    inc(rows, x);
    inc(cols, b[i]);
  });
  const pairs = (n) => (n * (n - 1)) / 2;
  const sum = (m) => [...m.values()].reduce((s, n) => s + pairs(n), 0);
  const index = sum(table);
  const expected = (sum(rows) * sum(cols)) / pairs(a.length);
  const max = (sum(rows) + sum(cols)) / 2;
  return max === expected ? 1 : (index - expected) / (max - expected);
}
