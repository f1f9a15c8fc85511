import { describe, expect, it } from '@jest/globals';
import { nextPoll } from '../../../core/domain/poll';

const t0 = new Date('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

describe('nextPoll', () => {
  it('starts the clock on the first describe and doubles the wait up to the cap', () => {
    let poll = nextPoll({ deadline_seconds: 900, initial_wait_seconds: 2, max_wait_seconds: 15 }, 'STARTING', t0);
    expect(poll).toMatchObject({ attempt: 1, started_at: t0.toISOString(), wait_seconds: 2, expired: false, status: 'STARTING' });
    const waits = [poll.wait_seconds];
    for (let i = 0; i < 5; i++) {
      poll = nextPoll(poll, 'STARTING', at(10 * (i + 1)));
      waits.push(poll.wait_seconds);
    }
    expect(waits).toEqual([2, 4, 8, 15, 15, 15]);
  });

  it('never sleeps past the deadline and expires once it has passed', () => {
    const first = nextPoll({ deadline_seconds: 60, initial_wait_seconds: 30, max_wait_seconds: 30 }, 'STARTING', t0);
    const nearEnd = nextPoll(first, 'STARTING', at(55));
    expect(nearEnd.wait_seconds).toBe(5);
    expect(nearEnd.expired).toBe(false);
    expect(nextPoll(nearEnd, 'STARTING', at(60)).expired).toBe(true);
  });
});
