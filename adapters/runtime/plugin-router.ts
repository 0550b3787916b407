import type { Router } from 'express';
import { guarded } from '../http/guard';
import type { SignatureDeps } from '../http/signatures/middleware';
import type { RouteAccess, RouterDeps } from '../../application/ports/plugin-api';
import { checkedAccess } from './route-access';

/** A plugin's router as the engine mounts it: behind the guard `access` names, unless it is public. */
export function pluginRouter(
  build: (deps: RouterDeps) => Router,
  access: RouteAccess = 'signed',
): (deps: RouterDeps, signatures: SignatureDeps) => Router {
  const wanted = checkedAccess(access);
  return (deps, signatures) => (wanted === 'public' ? build(deps) : guarded(build(deps), signatures, wanted));
}
