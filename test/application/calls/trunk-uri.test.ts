import { trunkUri } from '../../../application/calls/routes';
import { catalogEvents, type Trunk } from '../../../core/rating/catalog-events';

const trunk: Trunk = {
  host: 'sbc.alpha.example',
  port: 5060,
  transport: 'udp',
  techPrefix: '0077',
  channels: 0,
  username: '',
  password: '',
};

describe('a trunk that takes SRTP', () => {
  test('its URI says so to the proxy; a plain trunk’s URI is as it always was', () => {
    expect(trunkUri(trunk, '442079460000')).toBe('sip:0077442079460000@sbc.alpha.example:5060;transport=udp');
    expect(trunkUri({ ...trunk, srtp: true }, '442079460000')).toBe('sip:0077442079460000@sbc.alpha.example:5060;transport=udp;srtp=yes');
    expect(trunkUri({ ...trunk, srtp: false }, '442079460000')).toBe('sip:0077442079460000@sbc.alpha.example:5060;transport=udp');
  });

  test('a CarrierRegistered recorded before the setting still reads (plain RTP); a setting that is no boolean is refused', () => {
    const schema = catalogEvents.CarrierRegistered.schema;
    const old = { carrierId: 'alpha', name: 'Alpha', currency: 'EUR', preference: 1, trunks: [trunk] };
    const read = schema.parse(old);
    expect(read.trunks[0]!.srtp).toBeUndefined();
    expect(schema.parse({ ...old, trunks: [{ ...trunk, srtp: true }] }).trunks[0]!.srtp).toBe(true);
    expect(schema.safeParse({ ...old, trunks: [{ ...trunk, srtp: 'yes' }] }).success).toBe(false);
  });
});
