import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

interface Parameter {
  readonly name: string;
  readonly in: string;
  readonly schema?: { readonly example?: unknown; readonly enum?: readonly unknown[] };
}

interface OperationObject {
  readonly responses: Record<string, unknown>;
  readonly security?: readonly Record<string, readonly string[]>[];
  readonly 'x-roles'?: readonly string[];
  readonly parameters?: readonly Parameter[];
}

export interface OpenApiDoc {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, OperationObject>>;
  readonly components: Record<string, Record<string, unknown>>;
}

/** Who the document says may call an operation. */
export type Access =
  | { readonly kind: 'public' }
  | { readonly kind: 'signed'; readonly roles: readonly string[] }
  /** A hook's, webhook's or the dashboard's own credential. */
  | { readonly kind: 'secret'; readonly schemes: readonly string[] };

export interface Operation {
  readonly method: string;
  readonly path: string;
  readonly route: string;
  readonly operation: OperationObject;
}

export const readOpenApi = (): OpenApiDoc => parse(readFileSync(join(__dirname, '..', '..', 'docs', 'openapi.yaml'), 'utf8')) as OpenApiDoc;

export function operationsOf(doc: OpenApiDoc): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      route: `${method.toUpperCase()} ${path}`,
      operation,
    })),
  );
}

export function accessOf(op: Operation): Access {
  const security = op.operation.security;
  if (!security) throw new Error(`${op.route} has no explicit security`);
  if (security.length === 0) return { kind: 'public' };
  const schemes = security.flatMap((requirement) => Object.keys(requirement));
  if (schemes.includes('httpSignature')) return { kind: 'signed', roles: op.operation['x-roles'] ?? [] };
  return { kind: 'secret', schemes };
}

/** The operation's path with each `{param}` filled from the parameter's example or first enum value. */
export function concretePath(op: Operation): string {
  return op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const schema = op.operation.parameters?.find((p) => p.in === 'path' && p.name === name)?.schema;
    const value = schema?.example ?? schema?.enum?.[0];
    if (value === undefined) throw new Error(`${op.route}: give the path parameter ${name} an example`);
    return encodeURIComponent(String(value));
  });
}
