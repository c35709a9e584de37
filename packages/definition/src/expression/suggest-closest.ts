/**
 * "Did you mean ...?" suggestions for misspelled names.
 *
 * @module
 */

const MAX_COMPARED_LENGTH = 64;

/**
 * The edit distance between two strings: insertions, deletions, substitutions and swaps of
 * two neighbouring characters each cost 1 (optimal string alignment distance). Pure. Only the
 * first 64 characters of each string are compared, so the cost stays bounded.
 *
 * @example
 * editDistance('amout', 'amount'); // 1
 */
export function editDistance(a: string, b: string): number {
  const s = a.slice(0, MAX_COMPARED_LENGTH);
  const t = b.slice(0, MAX_COMPARED_LENGTH);
  const rows = s.length + 1;
  const cols = t.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(
        (d[(i - 1) * cols + j] ?? 0) + 1,
        (d[i * cols + j - 1] ?? 0) + 1,
        (d[(i - 1) * cols + j - 1] ?? 0) + cost,
      );
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) {
        best = Math.min(best, (d[(i - 2) * cols + j - 2] ?? 0) + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1] ?? 0;
}

/**
 * The candidate closest to `name`, or `undefined` when none is close enough to be a likely
 * typo. "Close enough" means a case-insensitive edit distance of 0 (a case difference) for
 * names of 1-2 characters, at most 1 up to 4 characters, 2 up to 8 characters and 3 beyond. Ties go to the earlier candidate. Pure; at
 * most 1000 candidates are compared.
 *
 * @example
 * suggestClosest('amout', ['amount', 'region']); // 'amount'
 * suggestClosest('zzz', ['amount', 'region']);   // undefined
 */
export function suggestClosest(name: string, candidates: Iterable<string>): string | undefined {
  const wanted = name.toLowerCase();
  const threshold = wanted.length <= 2 ? 0 : wanted.length <= 4 ? 1 : wanted.length <= 8 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  let compared = 0;
  for (const candidate of candidates) {
    if (compared++ >= 1000) break;
    if (typeof candidate !== 'string' || candidate === name) continue;
    const distance = editDistance(wanted, candidate.toLowerCase());
    if (distance <= threshold && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
