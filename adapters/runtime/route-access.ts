import type { RouteAccess } from '../../application/ports/plugin-api';

/** A plugin written in JavaScript can pass anything: refuse at registration what would leave routes open or shut for all. */
export function checkedAccess(access: RouteAccess): RouteAccess {
  if (access === 'signed' || access === 'public') return access;
  if (typeof access === 'object' && Array.isArray(access.roles) && access.roles.length > 0) return access;
  throw new Error(`a router's access is 'signed', 'public' or { roles: [one or more] }, not ${JSON.stringify(access)}`);
}
