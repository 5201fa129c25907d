// Where each role lands: `/` and sign-in send people here, and a screen not for them links back here.
import type { Role } from '../../../shared/roles.ts';

const HOMES: Partial<Record<Role, { path: string; label: string }>> = {
  admin: { path: '/admin', label: 'Administration' },
  supervisor: { path: '/wall', label: 'The wall' },
  lead: { path: '/lead', label: 'My team' },
  agent: { path: '/agent', label: 'My day' },
  display: { path: '/wall', label: 'The wall' },
};

/** A role's own screen (a role with none, an ingest token, gets the sign-in page). */
export function homeOf(role: Role): { path: string; label: string } {
  return HOMES[role] ?? { path: '/login', label: 'Sign in' };
}

/** The links a role's navigation offers, its own screen first. */
export function linksOf(role: Role | undefined): { path: string; label: string }[] {
  if (role === 'admin' || role === 'supervisor')
    return [
      { path: '/wall', label: 'Wall' },
      { path: '/lead', label: 'Teams' },
      { path: '/supervisor', label: 'Banners' },
      { path: '/admin', label: 'Admin' },
    ];
  if (role === 'lead') return [{ path: '/lead', label: 'My team' }];
  if (role === 'agent') return [{ path: '/agent', label: 'My day' }];
  return [];
}
