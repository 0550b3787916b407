import type { Router } from 'express';
import { guarded } from '../http/guard';
import type { SignatureDeps } from '../http/signatures/middleware';
import type { RouteAccess, RouterDeps } from '../../application/ports/plugin-api';

/** A plugin written in JavaScript can pass anything: refuse at registration what would leave routes open or shut for all. */
function checked(access: RouteAccess): RouteAccess {
  if (access === 'signed' || access === 'public') return access;
  if (typeof access === 'object' && Array.isArray(access.roles) && access.roles.length > 0) return access;
  throw new Error(`a router's access is 'signed', 'public' or { roles: [one or more] }, not ${JSON.stringify(access)}`);
}

/** A plugin's router as the engine mounts it: behind the guard `access` names, unless it is public. */
export function pluginRouter(
  build: (deps: RouterDeps) => Router,
  access: RouteAccess = 'signed',
): (deps: RouterDeps, signatures: SignatureDeps) => Router {
  const wanted = checked(access);
  return (deps, signatures) => (wanted === 'public' ? build(deps) : guarded(build(deps), signatures, wanted));
}
