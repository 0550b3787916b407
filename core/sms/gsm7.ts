/**
 * The GSM 03.38 (3GPP TS 23.038) default alphabet and its extension table. A character's septet
 * value is its index in BASIC; an extension character is sent as ESC (0x1B) then its value, so
 * it costs two septets.
 */
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

export const ESCAPE = 0x1b;

const EXTENSION: ReadonlyMap<string, number> = new Map([
  ['\f', 0x0a],
  ['^', 0x14],
  ['{', 0x28],
  ['}', 0x29],
  ['\\', 0x2f],
  ['[', 0x3c],
  ['~', 0x3d],
  [']', 0x3e],
  ['|', 0x40],
  ['€', 0x65],
]);

const BASIC_VALUES: ReadonlyMap<string, number> = new Map(
  [...BASIC].map((ch, value) => [ch, value] as const).filter(([ch]) => ch !== '\u001b'),
);

/** Septets a character costs in GSM-7 (1 basic, 2 extension), or null when GSM-7 cannot carry it. */
export function gsm7Septets(ch: string): 1 | 2 | null {
  if (BASIC_VALUES.has(ch)) return 1;
  if (EXTENSION.has(ch)) return 2;
  return null;
}

/** The septet values of one character: [value] or [ESC, value]. Throws for a character outside GSM-7. */
export function gsm7Encode(ch: string): readonly number[] {
  const basic = BASIC_VALUES.get(ch);
  if (basic !== undefined) return [basic];
  const ext = EXTENSION.get(ch);
  if (ext !== undefined) return [ESCAPE, ext];
  throw new Error(`${JSON.stringify(ch)} is not in the GSM 03.38 alphabet`);
}
