import { Command, Option } from 'commander';
import type { CommandEngine } from '../runtime/engine';
import { parseCallDuration } from '../../core/rating/duration';
import { formatRowError } from '../../core/imports/row-error';
import { ImportRejectedError } from '../../application/rating/errors';
import { lcrJson, quoteJson } from '../../application/rating/quote-json';
import { parseWait, rollOut, waitOption } from './await-rollout';
import { progressBar } from './progress';
import { csv } from '../../application/reports/csv';
import { table } from './table';
import { shownAmount } from './amount-text';

type WithEngine = <T>(fn: (engine: CommandEngine) => Promise<T>) => Promise<T>;

const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);

function parseTrunk(spec: string, o: { techPrefix: string; channels: number; username: string; password: string; srtp?: boolean }) {
  const m = /^([^:/\s]+)(?::(\d{1,5}))?(?:\/(udp|tcp|tls))?$/.exec(spec);
  const port = Number(m?.[2] ?? 5060);
  if (!m || port < 1 || port > 65535) throw new Error(`not a trunk (host[:port][/udp|tcp|tls]): ${JSON.stringify(spec)}`);
  return { host: m[1]!, port, transport: (m[3] ?? 'udp') as 'udp' | 'tcp' | 'tls', ...o };
}

function parseStart(text: string | undefined): Date {
  if (!text) return new Date();
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(ms))
    throw new Error(`--start must be an ISO-8601 instant such as 2026-11-25T18:30:00Z, not ${JSON.stringify(text)}`);
  return new Date(ms);
}

/** Prints an import's bad rows (at most 50) before the one-line verdict the caller throws. */
function reportRejected(error: unknown): never {
  if (error instanceof ImportRejectedError) {
    for (const e of error.errors.slice(0, 50)) process.stderr.write(`${formatRowError(e)}\n`);
    if (error.errors.length > 50) process.stderr.write(`… and ${error.errors.length - 50} more\n`);
  }
  throw error;
}

export function addRatingCommands(program: Command, withEngine: WithEngine): void {
  const carriers = program.command('carriers').description('carriers, their trunks and rate decks');
  carriers
    .command('add <carrier>')
    .description('register a carrier')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--currency <code>', 'ISO 4217 currency its decks are priced in')
    .option('--preference <n>', 'lower wins a tie on cost', '10')
    .option('--trunk <host[:port][/transport]...>', 'SIP trunk(s)', (v: string, all: string[]) => [...all, v], [] as string[])
    .option('--tech-prefix <digits>', 'digits the carrier wants before the number', '')
    .option('--channels <n>', 'channel limit per trunk (0: none)', '0')
    .option('--username <user>', 'digest username the carrier gave you (all trunks)', '')
    .option('--password <secret>', 'digest password (all trunks; never printed back)', '')
    .option('--srtp', 'the trunks take SRTP (SDES): media to them stays encrypted (default: plain RTP)')
    .option('--service <voice|sms>', 'what it terminates: calls, or SMS (an SMS gateway: its deck prices segments)', 'voice')
    .addOption(waitOption())
    .action(
      async (
        carrierId: string,
        o: {
          name: string;
          currency: string;
          preference: string;
          trunk: string[];
          techPrefix: string;
          channels: string;
          username: string;
          password: string;
          srtp?: boolean;
          service: string;
          wait: string;
        },
      ) => {
        if (o.service !== 'voice' && o.service !== 'sms')
          throw new Error(`--service must be voice or sms, not ${JSON.stringify(o.service)}`);
        const service = o.service;
        if (!/^-?\d+$/.test(o.preference)) throw new Error(`--preference must be a whole number, not ${JSON.stringify(o.preference)}`);
        if (!/^\d+$/.test(o.channels)) throw new Error(`--channels must be a whole number, not ${JSON.stringify(o.channels)}`);
        if (!/^[0-9#*]*$/.test(o.techPrefix))
          throw new Error(`--tech-prefix may hold only digits, # and *: ${JSON.stringify(o.techPrefix)}`);
        const trunks = o.trunk.map((t) =>
          parseTrunk(t, {
            techPrefix: o.techPrefix,
            channels: Number(o.channels),
            username: o.username,
            password: o.password,
            ...(o.srtp ? { srtp: true } : {}),
          }),
        );
        const waitMs = parseWait(o.wait);
        await withEngine(async (engine) => {
          const r = await engine.rating.registerCarrier(
            { carrierId, name: o.name, currency: o.currency, preference: Number(o.preference), trunks, service },
            { actor: 'cli' },
          );
          if (!r.created) return out(`carrier ${carrierId} was registered already; nothing changed`);
          out(`carrier ${carrierId} registered, ${await rollOut(engine, waitMs)}`);
        });
      },
    );
  carriers
    .command('import-deck <carrier> <file>')
    .description('publish a new version of a carrier rate deck')
    .option('--format <format>', 'deck format (a plugin may add more)', 'csv')
    .option(
      '--mapping <file>',
      'JSON column mapping (docs/rating.md); default: prefix,destination,rate,initial,subsequent,connect_fee,effective_from',
    )
    .option('--skip-bad-rows', 'import the good rows and report the bad ones')
    .addOption(waitOption())
    .action(async (carrierId: string, file: string, o: { format: string; mapping?: string; skipBadRows?: boolean; wait: string }) => {
      const waitMs = parseWait(o.wait);
      await withEngine(async (engine) => {
        const started = Date.now();
        const bar = progressBar('read', 'rows');
        const r = await engine.rating
          .importDeck({
            carrierId,
            file,
            format: o.format,
            mappingFile: o.mapping,
            skipBadRows: o.skipBadRows ?? false,
            onProgress: (n) => bar.update(n, n),
            metadata: { actor: 'cli' },
          })
          .catch(reportRejected);
        bar.finish(r.rows + r.skipped);
        // a retry after a rollout that timed out waits for it again
        if (r.unchanged)
          return out(
            `${carrierId}: this deck is published already (version ${r.version}); nothing changed, ${await rollOut(engine, waitMs)}`,
          );
        // the import's own rate: the rollout that follows waits on the serving engines, not on the rows
        const seconds = (Date.now() - started) / 1000;
        const rollout = await rollOut(engine, waitMs);
        const deck = engine.rating.current().carriers.get(carrierId);
        out(
          `${carrierId}: deck version ${r.version} published, ${r.rows} rows${r.skipped ? `, ${r.skipped} bad rows skipped` : ''}, ` +
            `${deck?.prefixes.length ?? 0} prefixes in ${seconds.toFixed(2)} s (${Math.round((r.rows + r.skipped) / seconds)} rows/s), ${rollout}`,
        );
      });
    });
  carriers
    .command('diff <carrier>')
    .description("what the carrier's last deck changed against the one before")
    .option('--json', 'one JSON object')
    .action(async (carrierId: string, o: { json?: boolean }) => {
      await withEngine(async (engine) => {
        const d = await engine.rating.diffDeck(carrierId);
        if (o.json) return out(JSON.stringify(d));
        out(`${carrierId}: version ${d.from} → ${d.to}: ${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed`);
        const rows = [
          ...d.added.map((r) => ({
            change: 'added',
            prefix: r.prefix,
            destination: r.destination,
            before: '',
            after: r.rate,
            effectiveFrom: r.effectiveFrom,
          })),
          ...d.removed.map((r) => ({
            change: 'removed',
            prefix: r.prefix,
            destination: r.destination,
            before: r.rate,
            after: '',
            effectiveFrom: r.effectiveFrom,
          })),
          ...d.changed.map((c) => ({
            change: 'changed',
            prefix: c.after.prefix,
            destination: c.after.destination,
            before: c.before.rate,
            after: c.after.rate,
            effectiveFrom: c.after.effectiveFrom,
          })),
        ].sort((a, b) => (a.prefix < b.prefix ? -1 : 1));
        if (rows.length) process.stdout.write(table(rows));
      });
    });
  carriers
    .command('list')
    .description('carriers and their current decks')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
    .action(async (o: { format: string }) => {
      await withEngine(async (engine) => {
        await engine.rating.sync();
        const rows = [...engine.rating.current().carriers.values()].map((d) => ({
          carrier: d.carrier.carrierId,
          name: d.carrier.name,
          service: d.carrier.service,
          currency: d.carrier.currency,
          preference: d.carrier.preference,
          deckVersion: d.version,
          rows: d.rowCount,
          prefixes: d.prefixes.length,
          trunks: d.carrier.trunks.map((t) => `${t.host}:${t.port}/${t.transport}`).join(' '),
        }));
        process.stdout.write(o.format === 'json' ? `${JSON.stringify(rows)}\n` : o.format === 'csv' ? csv(rows) : table(rows));
      });
    });

  const tariffs = program.command('tariffs').description('rating plans (retail price lists and migrated tariff plans)');
  tariffs
    .command('import <path>')
    .description('import rating plans, e.g. a CGRateS tariff-plan folder')
    .requiredOption('--format <format>', 'tariff format: cgrates (a plugin may add more)')
    .requiredOption('--currency <code>', 'currency the plan prices in')
    .option('--time-zone <zone>', 'IANA time zone its timings are in', 'UTC')
    .option('--skip-bad-rows', 'import what is valid and report the rest')
    .addOption(waitOption())
    .action(async (path: string, o: { format: string; currency: string; timeZone: string; skipBadRows?: boolean; wait: string }) => {
      const waitMs = parseWait(o.wait);
      await withEngine(async (engine) => {
        const started = Date.now();
        const r = await engine.rating
          .importTariffs({
            path,
            format: o.format,
            currency: o.currency,
            timeZone: o.timeZone,
            skipBadRows: o.skipBadRows ?? false,
            metadata: { actor: 'cli' },
          })
          .catch(reportRejected);
        const changed = r.profiles > 0 || r.plans.some((p) => !p.unchanged);
        const rollout = changed ? await rollOut(engine, waitMs) : `nothing changed, ${await rollOut(engine, waitMs)}`;
        for (const p of r.plans)
          out(`${p.planId}: ${p.unchanged ? 'unchanged' : `version ${p.version} published`}, ${p.destinations} destinations`);
        out(
          `${r.plans.length} plan(s) in ${((Date.now() - started) / 1000).toFixed(2)} s${r.skipped ? `, ${r.skipped} bad rows skipped` : ''}, ${rollout}`,
        );
      });
    });

  const rates = program.command('rates').description('quotes and least-cost routing');
  rates
    .command('quote')
    .description('the cost of a call and its breakdown')
    .option('--plan <id>', 'rating plan (retail: the public sheet)')
    .option('--profile <tenant:category:subject>', 'a CGRateS rating profile instead: its plans by activation time')
    .requiredOption('--destination <number>', 'E.164 number')
    .option('--start <iso>', 'when the call starts (default: now)')
    .requiredOption('--duration <d>', '90, 90s or 1m30s')
    .option('--json', 'one JSON object; cost is a decimal string')
    .action(async (o: { plan?: string; profile?: string; destination: string; start?: string; duration: string; json?: boolean }) => {
      if ((o.plan === undefined) === (o.profile === undefined)) throw new Error('give exactly one of --plan and --profile');
      const start = parseStart(o.start);
      const duration = parseCallDuration(o.duration);
      await withEngine(async (engine) => {
        await engine.rating.sync();
        const q = quoteJson(
          engine.rating.quote({
            ...(o.plan !== undefined ? { planId: o.plan } : { profileId: o.profile! }),
            number: o.destination,
            start,
            duration,
          }),
          start,
          duration,
        );
        if (o.json) return out(JSON.stringify(q));
        out(
          `${q.number} on ${q.plan}: ${q.destination.id} (prefix ${q.destination.prefix || '*any'}), ${q.durationSeconds} s from ${q.start}`,
        );
        process.stdout.write(
          table(
            q.parts.map((p) => ({
              from: `${p.offsetSeconds}s`,
              timing: p.timing,
              slot: `${p.slot.groupIntervalStart}: ${p.slot.rate}/${p.slot.rateUnit} per ${p.slot.rateIncrement}`,
              seconds: p.seconds,
              billed: p.billedSeconds,
              cost: p.cost,
            })),
          ),
        );
        out(
          `connect fee ${q.connectFee}; exact ${q.exact}; rounding ${q.rounding.applied ? `${q.rounding.method} to ${q.rounding.decimals} decimals` : 'none'}${q.maxCost.capped ? `; capped at MaxCost ${q.maxCost.amount}` : ''}`,
        );
        out(`cost ${q.cost} ${q.currency}`);
      });
    });
  rates
    .command('lcr')
    .description('carriers for a destination, cheapest first, with their trunks')
    .requiredOption('--destination <number>', 'E.164 number')
    .option('--duration <d>', 'call length to price', '60s')
    .option('--start <iso>', 'when (default: now)')
    .option('--allow-negative-margin', 'keep routes that cost more than the retail price')
    .option('--json', 'one JSON object')
    .action(async (o: { destination: string; duration: string; start?: string; allowNegativeMargin?: boolean; json?: boolean }) => {
      const start = parseStart(o.start);
      const duration = parseCallDuration(o.duration);
      await withEngine(async (engine) => {
        await engine.rating.sync();
        await engine.runner.catchUp('carrier-quality'); // what quality routing demotes, as serving engines see it
        await engine.rating.refreshRoutePolicies(engine.readModels);
        const r = lcrJson(
          engine.rating.lcr({ number: o.destination, start, duration, allowNegativeMargin: o.allowNegativeMargin ?? false }),
          start,
          duration,
        );
        if (o.json) return out(JSON.stringify(r));
        out(
          `${r.number}, ${r.durationSeconds} s: retail ${r.retail ? `${shownAmount(r.retail.cost, r.retail.currency)} ${r.retail.currency}` : 'not priced'}`,
        );
        process.stdout.write(
          table(
            r.routes.map((x) => ({
              order: x.order,
              carrier: x.carrier + (x.demoted ? ' (demoted)' : ''),
              prefix: x.prefix,
              ratePerMinute: x.ratePerMinute,
              cost: shownAmount(x.cost, x.currency, x.ratePerMinute),
              margin: x.margin === null ? null : shownAmount(x.margin, x.currency, x.ratePerMinute),
              trunks: x.trunks.map((t) => `${t.host}:${t.port}/${t.transport}`).join(' '),
            })),
          ),
        );
        for (const d of r.dropped) out(`dropped ${d.carrier}: ${d.reason}${d.cost ? ` (cost ${shownAmount(d.cost, '')})` : ''}`);
      });
    });
}
