import type { Command } from 'commander';
import { segment } from '../../core/sms/segments';

const out = (line: string) => process.stdout.write(`${line}\n`);

/** `trunkline sms segments`: how a text splits (encoding, segments, characters), as POST /v1/sms/quote counts. */
export function addSmsCommands(program: Command): void {
  const sms = program.command('sms').description('text messages');
  sms
    .command('segments')
    .description('count the segments a text takes (GSM-7 or UCS-2)')
    .requiredOption('--text <text>', 'the text')
    .option('--json', 'print JSON')
    .action((o: { text: string; json?: boolean }) => {
      const s = segment(o.text);
      if (o.json) out(JSON.stringify({ encoding: s.encoding, segments: s.segments, characters: s.characters }));
      else
        out(
          `${s.encoding}: ${s.segments} segment${s.segments === 1 ? '' : 's'}, ${s.characters} characters, ${s.units} ${s.encoding === 'GSM-7' ? 'septets' : 'UCS-2 units'}`,
        );
    });
}
