/**
 * The choices the properties panel's pickers offer (users, roles, teams, data fields), built once
 * from the {@link Directory}, with the text filter they share. Used by the owner, signers and cc
 * editors.
 *
 * @module
 */
import type { TFunction } from 'i18next';
import type { Language } from '../../i18n/index.ts';
import { localizedText } from '../describe.ts';
import type { Directory } from './use-directory.ts';

/** One choice of a picker. */
export interface PickOption {
  value: string;
  label: string;
}

/** The pickers' choices and their filter. */
export interface DirectoryOptions {
  users: PickOption[];
  roles: PickOption[];
  teams: PickOption[];
  fields: PickOption[];
  /** Matches the typed text against a choice's value and label, ignoring case. */
  filter: (input: string, option?: PickOption) => boolean;
}

/** Matches the typed text against a choice's value and label, ignoring case. Pure. */
export function matchesOption(input: string, option?: PickOption): boolean {
  return !!option && `${option.value} ${option.label}`.toLowerCase().includes(input.toLowerCase());
}

/** The choices for the pickers, labelled in the current language ("name (key)"). */
export function directoryOptions(
  directory: Directory,
  fields: readonly string[],
  locale: Language,
  t: TFunction,
): DirectoryOptions {
  return {
    users: directory.users.map((u) => ({
      value: u.username,
      label: t('properties.nameWithKey', { name: u.displayName, key: u.username }),
    })),
    roles: directory.roles.map((r) => ({ value: r, label: r })),
    teams: directory.teams.map((team) => ({
      value: team.key,
      label: t('properties.nameWithKey', { name: localizedText(team.name, locale, team.key), key: team.key }),
    })),
    fields: fields.map((f) => ({ value: f, label: f })),
    filter: matchesOption,
  };
}
