import { parseDictionary, serializeInnerList, type BareItem, type InnerList, type Item } from 'structured-headers';
import { SignatureRejected } from './signature-rejected';

/** The parameters RFC 9421 §6.3.2 registers; any other is refused rather than ignored. */
const KNOWN_PARAMETERS = new Set(['created', 'expires', 'nonce', 'alg', 'keyid', 'tag']);
const MAX_NONCE = 200;
/** A lowercase field name (RFC 9110 token) or a derived component such as @method. */
const COMPONENT_NAME = /^@?[a-z0-9!#$%&'*+.^_`|~-]+$/;

/** The one signature a request carries, read from its Signature-Input and Signature fields. */
export interface SignatureCandidate {
  readonly label: string;
  /** Covered component names, in order (no component parameters: those are refused). */
  readonly components: readonly string[];
  readonly created: number;
  readonly expires?: number;
  readonly keyid: string;
  readonly nonce: string;
  readonly alg?: string;
  /** The value of the `@signature-params` line: the member's inner list, serialized (RFC 8941 §4.1). */
  readonly signatureParams: string;
  readonly signature: Buffer;
}

const malformed = (detail: string) => new SignatureRejected('malformed-signature', detail);

/**
 * How many members a dictionary's text has, duplicates included: RFC 8941 parsers keep one value
 * per key (the last, at the first key's position), so a label sent twice hides a member from
 * anyone counting the parsed map. Only called on text that parsed as a dictionary.
 */
function memberCount(text: string): number {
  let members = text.trim() === '' ? 0 : 1;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) members++;
  }
  return members;
}

function onlyMember(field: string, text: string): [string, Item | InnerList] {
  // display strings quote without escapes, which the member count below does not follow; no
  // signature parameter is one
  if (text.includes('%"')) throw malformed(`${field} holds a display string`);
  let dictionary;
  try {
    dictionary = parseDictionary(text);
  } catch (error) {
    throw malformed(`${field} is not an RFC 8941 dictionary (${(error as Error).message})`);
  }
  const count = memberCount(text);
  if (count !== dictionary.size) throw malformed(`${field} names a label twice`);
  if (count !== 1) throw malformed(`${field} must carry exactly one signature, not ${count}`);
  return [...dictionary][0]!;
}

const isInnerList = (member: Item | InnerList): member is InnerList => Array.isArray(member[0]);
const isBytes = (value: BareItem): value is ArrayBuffer => Object.prototype.toString.call(value) === '[object ArrayBuffer]';

function stringParameter(name: string, value: BareItem): string {
  if (typeof value !== 'string') throw malformed(`the ${name} parameter must be a string`);
  return value;
}

function integerParameter(name: string, value: BareItem): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw malformed(`the ${name} parameter must be an integer`);
  return value;
}

/**
 * Reads exactly one signature: Signature-Input and Signature must each be a dictionary of one
 * member with the same label (several members, or a label repeated, are refused: a verifier that
 * checks one member and a policy that reads another is how signatures get replayed). Every check
 * the caller makes then applies to the very member that is verified.
 */
export function readSignature(inputField: string, signatureField: string): SignatureCandidate {
  const [label, input] = onlyMember('Signature-Input', inputField);
  const [signatureLabel, signature] = onlyMember('Signature', signatureField);
  if (label !== signatureLabel) throw malformed(`Signature-Input's label ${label} has no Signature (it has ${signatureLabel})`);
  if (!isInnerList(input)) throw malformed('the Signature-Input member must be an inner list of components');
  if (isInnerList(signature) || !isBytes(signature[0]) || signature[1].size > 0)
    throw malformed('the Signature member must be a byte sequence');

  const components: string[] = [];
  for (const [name, parameters] of input[0]) {
    if (typeof name !== 'string') throw malformed('a covered component must be a string');
    if (parameters.size > 0) throw malformed(`component parameters are not supported (${[...parameters.keys()].join(', ')})`);
    if (!COMPONENT_NAME.test(name)) throw malformed(`${JSON.stringify(name)} is not a lowercase field name or derived component`);
    if (components.includes(name)) throw malformed(`${name} is covered twice`);
    components.push(name);
  }

  const parameters = input[1];
  for (const name of parameters.keys()) if (!KNOWN_PARAMETERS.has(name)) throw malformed(`unknown signature parameter ${name}`);
  const get = (name: string) => parameters.get(name);
  const created = get('created');
  const keyid = get('keyid');
  const nonce = get('nonce');
  if (created === undefined) throw malformed('the signature has no created time');
  if (keyid === undefined) throw malformed('the signature has no keyid');
  if (nonce === undefined) throw malformed('the signature has no nonce');
  const expires = get('expires');
  const alg = get('alg');
  const tag = get('tag');
  if (tag !== undefined) stringParameter('tag', tag);
  const nonceText = stringParameter('nonce', nonce);
  if (nonceText.length === 0 || nonceText.length > MAX_NONCE) throw malformed(`the nonce must be 1 to ${MAX_NONCE} characters`);
  return {
    label,
    components,
    created: integerParameter('created', created),
    ...(expires !== undefined ? { expires: integerParameter('expires', expires) } : {}),
    keyid: stringParameter('keyid', keyid),
    nonce: nonceText,
    ...(alg !== undefined ? { alg: stringParameter('alg', alg) } : {}),
    signatureParams: serializeInnerList(input),
    signature: Buffer.from(signature[0]),
  };
}
