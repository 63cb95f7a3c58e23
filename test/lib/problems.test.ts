import { describeProblems, editDistance, nearest, Problems } from '../../lib/problems';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['alarmEmails', 'alarmEmail', 1],
    ['kitten', 'sitting', 3],
    ['flaw', 'lawn', 2],
    ['fifo', 'fifo', 0],
  ])('from %j to %j is %d', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('nearest', () => {
  const keys = ['alarmEmail', 'alarmTopicArn', 'pantherAccountId', 'fifo', 'archiveDays'];
  it.each([
    ['alarmEmails', 'alarmEmail'],
    ['pantherAccountIds', 'pantherAccountId'],
    ['FIFO', 'fifo'],
    ['archiveday', 'archiveDays'],
  ])('%s → %s', (word, expected) => expect(nearest(word, keys)).toBe(expected));

  it('suggests nothing for a word like none of them', () => {
    expect(nearest('zzzzzzzzzz', keys)).toBeUndefined();
    expect(nearest('x', [])).toBeUndefined();
  });
});

describe('Problems', () => {
  it('throws nothing when none was found, one line for one, a list for several', () => {
    const problems = new Problems();
    expect(() => problems.throwIfAny('Owner')).not.toThrow();
    problems.add('fifo', 'must be true or false');
    expect(() => problems.throwIfAny('Owner')).toThrow(/^Owner: fifo must be true or false$/);
    problems.catch(() => {
      throw new Error('routes: route "x" is bad');
    });
    expect(() => problems.throwIfAny('Owner')).toThrow(/^Owner: 2 problems:\n- fifo must be true or false\n- routes: route "x" is bad$/);
    expect(describeProblems('Owner', ['a'])).toBe('Owner: a');
  });
});
