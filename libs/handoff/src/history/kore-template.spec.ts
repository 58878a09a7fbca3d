import { parseKoreTemplate } from './kore-template';

describe('parseKoreTemplate', () => {
  it('reads a button template, keeping only http(s) links', () => {
    const t = parseKoreTemplate(JSON.stringify({
      type: 'template',
      payload: {
        template_type: 'button',
        text: 'What do you want to do next?',
        buttons: [
          { type: 'web_url', title: 'Show Website', url: 'https://example.com/a' },
          { type: 'postback', title: 'Start Chatting', payload: 'START' },
          { type: 'web_url', title: 'Sneaky', url: 'javascript:alert(1)' },
        ],
      },
    }));
    expect(t).toEqual({
      kind: 'button',
      text: 'What do you want to do next?',
      choices: [
        { title: 'Show Website', url: 'https://example.com/a' },
        { title: 'Start Chatting', url: null },
        { title: 'Sneaky', url: null },
      ],
      cards: [],
      media: null,
    });
  });

  it('reads quick replies, a carousel and an image attachment', () => {
    const quick = parseKoreTemplate({ type: 'template', payload: { template_type: 'quick_replies', text: 'Pick a color:', quick_replies: [{ content_type: 'text', title: 'Red', payload: 'RED' }, { content_type: 'text', title: 'Green', payload: 'GREEN' }] } });
    expect(quick?.choices.map((c) => c.title)).toEqual(['Red', 'Green']);
    const carousel = parseKoreTemplate(JSON.stringify({
      type: 'template',
      payload: { template_type: 'carousel', elements: [
        { title: 'Classic T-Shirt', subtitle: 'Soft cotton', image_url: 'https://example.com/t.png', buttons: [{ type: 'postback', title: 'Buy', payload: 'BUY' }] },
        { title: 'Hoodie' },
      ] },
    }));
    expect(carousel?.cards).toEqual([
      { title: 'Classic T-Shirt', subtitle: 'Soft cotton', image: 'https://example.com/t.png', choices: [{ title: 'Buy', url: null }] },
      { title: 'Hoodie', subtitle: null, image: null, choices: [] },
    ]);
    expect(parseKoreTemplate('{"type":"image","payload":{"url":"https://example.com/cat.jpg"}}')?.media).toEqual({ type: 'image', url: 'https://example.com/cat.jpg' });
  });

  it('leaves plain text and other JSON alone', () => {
    expect(parseKoreTemplate('hello')).toBeNull();
    expect(parseKoreTemplate('{"not":"a template"}')).toBeNull();
    expect(parseKoreTemplate('{broken')).toBeNull();
    expect(parseKoreTemplate(42)).toBeNull();
  });
});
