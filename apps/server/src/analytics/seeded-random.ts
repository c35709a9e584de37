/** A seeded pseudo-random generator (mulberry32): the same seed, the same history. */
export { seededRandom as createRandom } from '@baton/engine/simulation';
