import { visitorKeyOf } from './visitor-key';

describe('visitorKeyOf', () => {
  it('prefers UserContext._id, then channelInfos.from, then channel.from', () => {
    const all = { context: { session: { UserContext: { _id: 'u-ctx' } } }, channel: { from: 'ch', channelInfos: { from: 'info' } } };
    expect(visitorKeyOf(all)).toBe('u-ctx');
    expect(visitorKeyOf({ channel: { from: 'ch', channelInfos: { from: 'info' } } })).toBe('info');
    expect(visitorKeyOf({ channel: { from: 'ch' } })).toBe('ch');
  });

  it('skips empty and non-string values and returns null when nothing names the user', () => {
    expect(visitorKeyOf({ context: { session: { UserContext: { _id: '' } } }, channel: { from: 'ch' } })).toBe('ch');
    expect(visitorKeyOf({ channel: { from: 42 as unknown as string } })).toBeNull();
    expect(visitorKeyOf({})).toBeNull();
  });
});
