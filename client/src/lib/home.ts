// Where each role lands: `/` and sign-in send people here, and a screen not for them links back here.
import type { Role } from '../../../shared/roles.ts';
import { t } from './i18n/index.svelte.ts';
import type { MessageKey } from './i18n/translate.ts';

const HOMES: Partial<Record<Role, { path: string; key: MessageKey }>> = {
  admin: { path: '/admin', key: 'home.admin' },
  supervisor: { path: '/wall', key: 'home.wall' },
  lead: { path: '/lead', key: 'home.lead' },
  agent: { path: '/agent', key: 'home.agent' },
  display: { path: '/wall', key: 'home.wall' },
};

/** A role's own screen (a role with none, an ingest token, gets the sign-in page). */
export function homeOf(role: Role): { path: string; label: string } {
  const home = HOMES[role];
  return home ? { path: home.path, label: t(home.key) } : { path: '/login', label: t('home.signIn') };
}

/** The call log and the reports, for every person (each sees what its role may read). */
const PAST = () => [
  { path: '/calls', label: t('nav.calls') },
  { path: '/reports', label: t('nav.reports') },
];

/** The links a role's navigation offers, its own screen first. */
export function linksOf(role: Role | undefined): { path: string; label: string }[] {
  if (role === 'admin' || role === 'supervisor')
    return [
      { path: '/wall', label: t('nav.wall') },
      { path: '/lead', label: t('nav.teams') },
      { path: '/supervisor', label: t('nav.banners') },
      { path: '/admin', label: t('nav.admin') },
      ...PAST(),
      { path: '/quality', label: t('nav.quality') },
    ];
  if (role === 'lead') return [{ path: '/lead', label: t('nav.myTeam') }, ...PAST(), { path: '/quality', label: t('nav.quality') }];
  if (role === 'agent') return [{ path: '/agent', label: t('nav.myDay') }, ...PAST()];
  return [];
}
