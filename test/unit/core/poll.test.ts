import { describe, expect, it } from '@jest/globals';
import { nextPoll, watchPoll, type PollInput } from '../../../core/domain/poll';

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

describe('nextPoll with a first wait', () => {
  it('waits first_wait_seconds after the first describe, then backs off from the initial wait', () => {
    let poll = nextPoll({ deadline_seconds: 900, first_wait_seconds: 60, initial_wait_seconds: 1, max_wait_seconds: 4 }, 'STARTING', t0);
    const waits = [poll.wait_seconds];
    for (let i = 0; i < 4; i++) {
      poll = nextPoll(poll, 'STARTING', at(60 + 10 * i));
      waits.push(poll.wait_seconds);
    }
    expect(waits).toEqual([60, 1, 2, 4, 4]);
  });
});

/** A channel whose state is `before` until `changeAt` seconds, then `after`, on a clock that only sleeps move. */
function channelClock(changeAt: number, before = 'STARTING', after = 'RUNNING') {
  let now = 0;
  const looks: number[] = [];
  return {
    looks,
    watch: {
      describe: () => {
        looks.push(now);
        return Promise.resolve(now >= changeAt ? after : before);
      },
      now: () => at(now),
      sleep: (ms: number) => {
        now += ms / 1000;
        return Promise.resolve();
      },
    },
    advance: (seconds: number) => (now += seconds),
  };
}

const watching: PollInput = {
  deadline_seconds: 900,
  initial_wait_seconds: 1,
  max_wait_seconds: 1,
  watch_seconds: 30,
  watch_every_seconds: 2,
  ends_on: ['RUNNING', 'DELETED'],
};

describe('watchPoll', () => {
  it('keeps looking every watch_every_seconds and returns as soon as it sees a status the loop ends on', async () => {
    const channel = channelClock(7);

    const poll = await watchPoll(watching, channel.watch);

    expect(channel.looks).toEqual([0, 2, 4, 6, 8]);
    expect(poll).toMatchObject({ status: 'RUNNING', attempt: 1, started_at: t0.toISOString(), expired: false });
  });

  it('returns the unchanged status once the watch has no time left, then waits the backoff', async () => {
    const channel = channelClock(100);

    const poll = await watchPoll(watching, channel.watch);

    expect(channel.looks).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30]);
    expect(poll).toMatchObject({ status: 'STARTING', wait_seconds: 1 });
  });

  it('looks once when the poll asks for no watch', async () => {
    const channel = channelClock(100);

    await watchPoll({ deadline_seconds: 900 }, channel.watch);

    expect(channel.looks).toEqual([0]);
  });

  it('stops watching at the deadline, which then expires the poll', async () => {
    const channel = channelClock(1000);
    const started = { ...watching, deadline_seconds: 10, attempt: 3, started_at: t0.toISOString() };

    const poll = await watchPoll(started, channel.watch);

    expect(channel.looks).toEqual([0, 2, 4, 6, 8, 10]);
    expect(poll).toMatchObject({ status: 'STARTING', expired: true });
  });

  it('measures the deadline from when the poll started, not from when this Describe began', async () => {
    const channel = channelClock(1000);
    const startedEarlier = { ...watching, deadline_seconds: 10, attempt: 3, started_at: new Date(t0.getTime() - 5000).toISOString() };

    const poll = await watchPoll(startedEarlier, channel.watch);

    expect(channel.looks).toEqual([0, 2, 4, 6]);
    expect(poll).toMatchObject({ status: 'STARTING', expired: true });
  });
});
