import type { en } from './en.ts';

/** The shape of a catalogue: the English one's keys, every leaf a string. */
export type Catalogue<T = typeof en> = { [K in keyof T]: T[K] extends string ? string : Catalogue<T[K]> };
