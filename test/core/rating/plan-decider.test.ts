import { planDecider, type PublishPlan } from '../../../core/rating/plan-decider';
import { deciderSpec } from '../../support/decider-spec';

const { given } = deciderSpec(planDecider);
const publish = (sha256: string): PublishPlan => ({
  type: 'publish-plan',
  data: { planId: 'RP', currency: 'EUR', timeZone: 'UTC', destinations: new Map([['UK', ['44']]]), entries: [], sha256, source: 'test' },
});

describe('the rating plan decider, as sentences', () => {
  test('when a plan is published, then its destinations are staged and version 1 is published', () => {
    given()
      .when(publish('a'))
      .then([
        expect.objectContaining({
          type: 'RatingPlanChunkStaged',
          data: expect.objectContaining({ version: 1, destinations: { UK: ['44'] } }),
        }),
        expect.objectContaining({ type: 'RatingPlanPublished', data: expect.objectContaining({ version: 1, sha256: 'a' }) }),
      ]);
  });

  test('given it published, when the same content is published again, then nothing happens; other content is version 2', () => {
    const first = given().when(publish('a')).events();
    given(first).when(publish('a')).thenNothingHappened();
    given(first)
      .when(publish('b'))
      .then([expect.anything(), expect.objectContaining({ type: 'RatingPlanPublished', data: expect.objectContaining({ version: 2 }) })]);
  });
});
