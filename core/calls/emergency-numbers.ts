/**
 * Emergency numbers by ISO 3166 country: the short codes a caller whose own number belongs to
 * that country reaches the emergency services on. A provider edits the table with the
 * configuration's `emergencyNumbers` (a country's list replaces the shipped one; `[]` removes it).
 */
export type EmergencyNumbers = Readonly<Record<string, readonly string[]>>;

const EU_112 = ['112'];

/**
 * The shipped table: 112 in every EU/EEA country (the single European emergency number, which
 * the national numbers below do not replace) and the national numbers best known beyond it.
 * Sources: ITU-T E.164 Annex list of emergency numbers and the EU's 112 directive.
 */
export const SHIPPED_EMERGENCY_NUMBERS: EmergencyNumbers = {
  AT: ['112', '122', '133', '144'],
  BE: ['112', '100', '101'],
  BG: EU_112,
  CH: ['112', '117', '118', '144'],
  CY: ['112', '199'],
  CZ: ['112', '150', '155', '158'],
  DE: ['112', '110'],
  DK: EU_112,
  EE: EU_112,
  ES: ['112', '091', '092', '061'],
  FI: EU_112,
  FR: ['112', '15', '17', '18', '114'],
  GB: ['999', '112'],
  // the Crown Dependencies share +44 with the UK and its numbers
  GG: ['999', '112'],
  IM: ['999', '112'],
  JE: ['999', '112'],
  GR: ['112', '100', '166', '199'],
  HR: ['112', '192', '193', '194'],
  HU: ['112', '104', '105', '107'],
  IE: ['112', '999'],
  IS: EU_112,
  IT: ['112', '113', '115', '118'],
  LI: ['112', '117', '118', '144'],
  LT: EU_112,
  LU: ['112', '113'],
  LV: EU_112,
  MT: EU_112,
  NL: EU_112,
  NO: ['112', '110', '113'],
  PL: ['112', '997', '998', '999'],
  PT: EU_112,
  RO: EU_112,
  SE: EU_112,
  SI: ['112', '113'],
  SK: ['112', '150', '155', '158'],
  US: ['911', '112'],
  CA: ['911', '112'],
  MX: ['911'],
  BR: ['190', '192', '193'],
  AR: ['911', '107', '100', '101'],
  AU: ['000', '112'],
  NZ: ['111'],
  IN: ['112', '100', '101', '102'],
  JP: ['110', '119'],
  KR: ['112', '119'],
  CN: ['110', '119', '120'],
  ZA: ['10111', '10177', '112'],
  IL: ['100', '101', '102'],
  TR: ['112'],
  RU: ['112'],
  UA: ['112', '101', '102', '103'],
};

/** The shipped table with a provider's countries over it; a country given `[]` has none. */
export function emergencyTable(overrides: EmergencyNumbers): EmergencyNumbers {
  return { ...SHIPPED_EMERGENCY_NUMBERS, ...overrides };
}

/**
 * The emergency service `dialed` reaches for a caller of `country`, or null: digits exactly as
 * the client sent them (`112`), compared with the caller's own country's list only — a 911 dialed
 * from a German number is not an emergency call in Germany, and a foreign code must not become a
 * free route.
 */
export function emergencyNumberOf(country: string, dialed: string, table: EmergencyNumbers): string | null {
  if (!/^\d{2,6}$/.test(dialed)) return null;
  return Object.hasOwn(table, country) && table[country]!.includes(dialed) ? dialed : null;
}
