import { csatPromptText, csatTemplate, parseRating } from './csat-rating';

describe('CSAT ratings', () => {
  it('takes the quick reply payload and the usual typed forms of 1 to 5', () => {
    const cases: Array<[string, number]> = [
      ['csat-4', 4], ['CSAT-1', 1], ['4', 4], [' 5 ', 5], ['4/5', 4], ['3 / 5', 3], ['2 out of 5', 2], ['1 of five', 1],
      ['4 stars', 4], ['1 star', 1], ['four', 4], ['Five!', 5], ['★★★', 3], ['⭐⭐⭐⭐⭐', 5], ['5.', 5],
    ];
    for (const [text, rating] of cases) expect([text, parseRating(text)]).toEqual([text, rating]);
  });

  it('leaves anything else to the bot', () => {
    for (const text of ['0', '6', '10', '4.5', '45', 'csat-6', 'csat-', 'I have 2 questions', 'book a cab', '', '5/10', '★★★★★★']) {
      expect([text, parseRating(text)]).toEqual([text, null]);
    }
    expect(parseRating(undefined)).toBeNull();
    expect(parseRating({ text: '4' })).toBeNull();
  });

  it("builds Kore's quick replies with a payload per score, and reads the question back", () => {
    const template = csatTemplate('How did we do?');
    expect(template.payload).toMatchObject({ template_type: 'quick_replies', text: 'How did we do?' });
    const replies = template.payload.quick_replies as Array<{ title: string; payload: string }>;
    expect(replies.map((r) => parseRating(r.payload))).toEqual([1, 2, 3, 4, 5]);
    expect(csatPromptText(JSON.stringify(template))).toBe('How did we do?');
    expect(csatPromptText('plain')).toBe('plain');
  });
});
