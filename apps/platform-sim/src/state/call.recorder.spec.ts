import type { RecordedCall } from '../sim.types';
import { CallRecorder } from './call.recorder';

const call = (n: number, fn = 'sendUserMessage'): RecordedCall => ({
  fn,
  method: 'POST',
  path: `/p/${n}`,
  botId: 'st-b',
  requestId: `ms-${n}`,
  userId: 'u',
  headers: {},
  body: {},
  query: {},
  status: 200,
  at: n,
});

describe('CallRecorder', () => {
  it('keeps only the newest calls, oldest first', () => {
    const recorder = new CallRecorder(3);
    for (let i = 1; i <= 5; i++) recorder.record(call(i));
    expect(recorder.list().map((c) => c.at)).toEqual([3, 4, 5]);
    recorder.clear();
    expect(recorder.list()).toEqual([]);
  });

  it('filters on every field given', () => {
    const recorder = new CallRecorder(10);
    recorder.record(call(1));
    recorder.record({ ...call(2, 'sendBotMessage'), status: 400 });
    expect(recorder.list({ fn: 'sendBotMessage', status: 400 }).map((c) => c.at)).toEqual([2]);
    expect(recorder.list({ fn: 'sendBotMessage', status: 200 })).toEqual([]);
    expect(recorder.list({ requestId: 'ms-1', userId: 'u', botId: 'st-b' })).toHaveLength(1);
  });

  it('waitFor counts calls already recorded and completes even after the ring wrapped', async () => {
    const recorder = new CallRecorder(2);
    recorder.record(call(1));
    const waiting = recorder.waitFor({ fn: 'sendUserMessage' }, 4, 1000);
    for (let i = 2; i <= 4; i++) recorder.record(call(i));
    expect((await waiting).map((c) => c.at)).toEqual([1, 2, 3, 4]);
  });

  it('waitFor rejects after the timeout, listing what came', async () => {
    const recorder = new CallRecorder(5);
    recorder.record(call(1, 'resetBot'));
    await expect(recorder.waitFor({ fn: 'startAgentSession' }, 1, 20)).rejects.toThrow(/saw 0[\s\S]*resetBot POST \/p\/1 -> 200/);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new CallRecorder(0)).toThrow(/maxRecordedCalls/);
  });
});
