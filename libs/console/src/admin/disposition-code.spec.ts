import { codeOf } from './admin-dispositions.controller';

describe('codeOf (a disposition code made from its label)', () => {
  it.each([
    ['Follow-up needed', 'follow-up-needed'],
    ['  Billing  issue! ', 'billing-issue'],
    ['Résolu à distance', 'resolu-a-distance'],
    ['!!!', ''],
    ['x'.repeat(39) + ' tail', 'x'.repeat(39)],
  ])('%j -> %j', (label, code) => {
    expect(codeOf(label)).toBe(code);
  });
});
